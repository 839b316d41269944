/**
 * `npm run demo` starts the whole demo on loopback (a real Kamailio, the reference CRM, the web
 * host in practice mode, the simulated customers' browser) and stops it cleanly: the desk registers
 * on the demo PBX and fills its cache from the demo CRM (read over the web host's own WebSocket, as
 * the page does), and Ctrl-C leaves nothing running: the PBX's and the web host's ports are free
 * again, no Chromium is left behind, and a second run starts afresh. A whole call with a simulated
 * customer is tests/e2e/demo.spec.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { expect, it } from 'vitest';
import WebSocket from 'ws';

interface Started {
  url: URL;
  wsPort: number;
  exit: Promise<number | null>;
  stop(): void;
  output(): string;
}

function startDemo(): Promise<Started> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'tools/demo/cli.ts', '--customers', '200', '--port', '0', '--web'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${output}`)), 60_000);
    const check = () => {
      const url = /Open in Chromium or Chrome:\s+(\S+)/.exec(output)?.[1];
      const ws = /Phone server \(Kamailio\):\s+ws:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
      if (!url || !ws) return;
      clearTimeout(timer);
      resolve({ url: new URL(url), wsPort: Number(ws), exit, stop: () => child.kill('SIGINT'), output: () => output });
    };
    child.stdout.on('data', check);
    void exit.then((code) => reject(new Error(`the demo exited (${code}):\n${output}`)));
  });
}

/** The desk's state as its page sees it, until `ready` says so. */
function watchDesk(url: URL, ready: (state: { line: string; customers: number }) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://${url.host}/contract?token=${url.searchParams.get('token')}`, {
      headers: { Origin: url.origin },
    });
    const seen = { line: '', customers: 0 };
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`the desk did not get ready: ${JSON.stringify(seen)}`));
    }, 60_000);
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { kind: string; event?: Record<string, unknown> };
      const event = message.event as
        | { type: 'state'; state: { line: { status: string }; customers: { customers: number } } }
        | { type: 'line'; line: { status: string } }
        | { type: 'customers'; customers: { customers: number } }
        | undefined;
      if (event?.type === 'state') {
        seen.line = event.state.line.status;
        seen.customers = event.state.customers.customers;
      } else if (event?.type === 'line') seen.line = event.line.status;
      else if (event?.type === 'customers') seen.customers = event.customers.customers;
      if (ready(seen)) {
        clearTimeout(timer);
        socket.close();
        resolve();
      }
    });
    socket.on('error', reject);
  });
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Chromium processes on this machine (the simulated customers' browser among them while the demo runs). */
function chromiumProcesses(): number {
  const ps = spawnSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' }).stdout.split('\n');
  // Running ones: a zombie has exited and only waits for its parent to collect it.
  return ps.filter((line) => /^\s*[^Z\s]\S*\s+\S*\/chromium(\s|$)/.test(line)).length;
}

it('starts the PBX, the CRM, the desk and the simulated customers; the desk registers and syncs; Ctrl-C stops it all; a second run starts clean', async () => {
  const chromiumBefore = chromiumProcesses();
  for (let run = 1; run <= 2; run++) {
    const demo = await startDemo();
    try {
      const page = await fetch(demo.url);
      expect(page.status).toBe(200);
      await watchDesk(demo.url, (state) => state.line === 'registered' && state.customers >= 200);
      // The simulated customers' browser runs while the demo does.
      expect(chromiumProcesses()).toBeGreaterThan(chromiumBefore);
    } catch (error) {
      demo.stop();
      await demo.exit;
      throw error;
    }
    demo.stop();
    expect(await demo.exit).toBe(0);
    expect(demo.output()).toContain('nothing of the demo is left running');
    expect(await portTaken(demo.wsPort)).toBe(false);
    expect(await portTaken(Number(demo.url.port))).toBe(false);
    // The simulated customers' browser went with it.
    expect(demo.output()).toContain('Simulated customers:');
    expect(chromiumProcesses()).toBe(chromiumBefore);
  }
}, 240_000);
