/**
 * Servers that misbehave: a certificate that is not trusted, a server that accepts the connection
 * and never answers, one that answers REGISTER with garbage. The line must say what happened in
 * the agent's terms, keep retrying, and never crash.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { silentLogger } from '../../src/log/logger.js';
import { Registration } from '../../src/telephony/registration.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function listen(server: net.Server | https.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

function startLine(wsUrl: string, registerTimeoutMs = 1_500) {
  const registration = new Registration(
    { wsUrl, domain: 'pbx.test', user: '1001', password: 'secret1001' },
    { logger: silentLogger(), backoff: { baseMs: 200, maxMs: 400 }, registerTimeoutMs },
  );
  cleanups.push(() => registration.stop());
  registration.start();
  return registration;
}

const failure = (registration: Registration) =>
  waitFor('a failure', () => (registration.state.status === 'failed' ? registration.state : undefined), 20_000);

describe('registration against misbehaving servers', () => {
  it('says the certificate is not trusted when a wss:// server presents a self-signed one', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) });
    const wss = new WebSocketServer({ server });
    cleanups.push(() => {
      wss.close();
      server.close();
    });
    const port = await listen(server);

    const line = startLine(`wss://127.0.0.1:${port}`);
    const failed = await failure(line);
    expect(failed.reason).toBe('tls');
    expect(failed.detail).toMatch(/CERT|certificate/i);
    expect(failed.retryAt).toBeGreaterThan(0);
  });

  it('calls it a timeout when the server opens the socket and never answers REGISTER', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'sip' });
    cleanups.push(() => wss.close());
    await new Promise((resolve) => wss.once('listening', resolve));
    const line = startLine(`ws://127.0.0.1:${(wss.address() as net.AddressInfo).port}`);
    const failed = await failure(line);
    expect(failed).toMatchObject({ reason: 'timeout', attempt: 1 });
  });

  it('survives a server that answers REGISTER with garbage, and keeps retrying', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'sip' });
    let requests = 0;
    wss.on('connection', (socket) =>
      socket.on('message', () => {
        requests++;
        socket.send('SIP/2.0 banana\r\n\u0000\u0001\r\n\r\n');
        socket.send('\u00ff\u00fe not sip at all');
      }),
    );
    cleanups.push(() => wss.close());
    await new Promise((resolve) => wss.once('listening', resolve));
    const line = startLine(`ws://127.0.0.1:${(wss.address() as net.AddressInfo).port}`);
    const failed = await failure(line);
    expect(failed.reason).toBe('timeout');
    await waitFor('a second attempt', () => requests >= 2, 10_000);
  });

  it('says the server refused when an HTTP server answers the WebSocket upgrade with 404', async () => {
    const server = net.createServer((socket) => socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
    cleanups.push(() => server.close());
    const port = await listen(server);
    const failed = await failure(startLine(`ws://127.0.0.1:${port}`));
    expect(failed).toMatchObject({ reason: 'rejected', code: 404 });
  });
});
