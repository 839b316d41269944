/**
 * `npm run demo`: a contact centre on this machine in one command, on loopback only: the local PBX
 * (Kamailio), the reference CRM seeded with a few thousand customers, and the softphone's web host
 * set up for a demo agent (extension 1001) and synced with that CRM. It prints the address to open;
 * Ctrl-C stops everything it started, and a second run starts clean (a fresh folder each time).
 *
 *   npm run demo -- [--customers 3000] [--port 8765]
 *
 * Simulated customers that call the agent come with the next part of the demo (issue 10); until
 * then, call the agent from a second desk or a SIP client on the PBX (accounts 1002–1006).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCrmServer, type CrmServer } from '../crm/server.js';
import { CrmStore } from '../crm/store.js';
import { getTestAccount } from '../pbx/accounts.js';
import { KamailioNotInstalledError, startPbx, type Pbx } from '../pbx/pbx.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const AGENT = '1001';
const USAGE = `Usage: npm run demo -- [--customers 3000] [--port 8765]

  --customers <n>  customers seeded into the demo CRM (default 3000)
  --port <n>       the web host's port on 127.0.0.1 (default 8765; 0 picks a free one)`;

function number(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    console.error(`--${name} must be a whole number from 0 to ${max}, not "${value}".\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let values: { customers?: string; port?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { customers: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const customers = number('customers', values.customers, 3000, 1_000_000);
  const port = number('port', values.port, 8765, 65535);

  if (!fs.existsSync(path.join(root, 'out', 'renderer', 'index.html'))) {
    console.error('Building the screen (once)…');
    await run(process.execPath, [
      path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'renderer/vite.config.ts',
      '--logLevel',
      'warn',
    ]);
  }

  // A fresh folder each run: the CRM's store, the desk's data. Removed on stop.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'softphone-demo-'));
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.error('\nStopping the demo…');
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    console.error('Stopped; nothing of the demo is left running.');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll(0));

  try {
    let pbx: Pbx;
    try {
      pbx = await startPbx().catch(async (error: unknown) => {
        // As root on Debian or Ubuntu the demo installs what it needs itself, as test:all does.
        if (!(error instanceof KamailioNotInstalledError) || process.getuid?.() !== 0) throw error;
        console.error("Installing Kamailio from Debian's packages…");
        await run('bash', [
          '-c',
          'source scripts/debian-packages.sh && ensure_debian_packages kamailio kamailio-websocket-modules kamailio-extra-modules',
        ]);
        return startPbx();
      });
    } catch (error) {
      if (error instanceof KamailioNotInstalledError) {
        console.error(
          "The demo needs Kamailio from Debian's packages. Install them with:\n" +
            '  sudo apt-get install kamailio kamailio-websocket-modules kamailio-extra-modules\n' +
            '(or run `npm run test:all` once as root: it installs what it needs).',
        );
        return await stopAll(1);
      }
      throw error;
    }
    stops.push(() => pbx.stop());

    const token = crypto.randomBytes(18).toString('base64url');
    const store = new CrmStore(path.join(dir, 'crm.sqlite'));
    console.error(`Seeding the demo CRM with ${customers} customers…`);
    store.seed({ customers, seed: 1 });
    const crm: CrmServer = await startCrmServer({ store, tokens: [token] });
    stops.push(async () => {
      await crm.close();
      store.close();
    });

    const deskDir = path.join(dir, 'desk');
    const account = getTestAccount(AGENT);
    fs.mkdirSync(deskDir, { recursive: true });
    fs.writeFileSync(
      path.join(deskDir, 'settings.json'),
      JSON.stringify({
        sip: { wsUrl: pbx.wsUrl, user: AGENT, domain: pbx.domain, displayName: account.displayName },
        agent: { name: 'Demo Agent', company: 'Acme Energia' },
        crm: { url: crm.url, pullIntervalSeconds: 10 },
      }),
    );
    const host = spawn(
      process.execPath,
      ['--import', 'tsx', 'main/web/cli.ts', '--data-dir', deskDir, '--port', String(port)],
      {
        cwd: root,
        env: {
          ...process.env,
          HEADSET_SOFTPHONE_SIP_PASSWORD: account.password,
          HEADSET_SOFTPHONE_CRM_TOKEN: token,
          // The demo's desk ignores this machine's IT policy.
          HEADSET_SOFTPHONE_POLICY: path.join(dir, 'no-policy.json'),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    stops.push(() => stopChild(host));
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      host.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
        if (match) resolve(match[1]!);
      });
      host.once('exit', (code) => reject(new Error(`The web host stopped (exit ${code}):\n${output}`)));
    });
    host.once('exit', (code) => {
      if (!stopping) {
        console.error(`The web host stopped unexpectedly (exit ${code}).`);
        void stopAll(1);
      }
    });

    console.log(
      [
        'The demo contact centre is running on this machine:',
        '',
        `  Open in Chromium or Chrome:  ${url}`,
        '',
        `  Phone server (Kamailio):     ${pbx.wsUrl}  (SIP over UDP on 127.0.0.1:${pbx.udpPort})`,
        `  CRM:                         ${crm.url}  (${customers} customers)`,
        `  The agent:                   extension ${AGENT}, "Demo Agent"`,
        '  Call the agent from a SIP client on the PBX: users 1002–1006, password "secret" + the user',
        '  (e.g. 1002 / secret1002), domain pbx.test.',
        '',
        'Press Ctrl-C to stop everything.',
      ].join('\n'),
    );
  } catch (error) {
    console.error(`The demo could not start: ${(error as Error).message}`);
    await stopAll(1);
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} exited with ${code}`)),
    );
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

void main();
