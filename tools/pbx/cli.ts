/**
 * Local development PBX (Kamailio) in the foreground.
 *
 *   npm run pbx -- [--ws-port 8088] [--udp-port 5060] [--debug 3] [--log]
 *
 * Port 0 picks a free port. Ctrl-C / SIGTERM stops Kamailio cleanly.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { KamailioNotInstalledError, startPbx, type Pbx } from './pbx';

const USAGE = `Usage: npm run pbx -- [--ws-port 8088] [--udp-port 5060] [--debug <1-3>] [--log]

  --ws-port   TCP port for SIP over WebSocket on 127.0.0.1 (default 8088, 0 = any free port)
  --udp-port  UDP port for SIP (SIPp) on 127.0.0.1 (default 5060, 0 = any free port)
  --debug     Kamailio log level: 1 warnings, 2 one line per request (default), 3 debug
  --log       also print the Kamailio log here while running`;

function parsePort(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`Invalid --${name}: ${value}\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

function followLog(file: string): () => void {
  let pos = 0;
  const timer = setInterval(() => {
    try {
      const size = fs.statSync(file).size;
      if (size <= pos) return;
      const fd = fs.openSync(file, 'r');
      const buf = Buffer.alloc(size - pos);
      fs.readSync(fd, buf, 0, buf.length, pos);
      fs.closeSync(fd);
      pos = size;
      process.stdout.write(buf);
    } catch {
      /* file not there (yet / any more) */
    }
  }, 250);
  return () => clearInterval(timer);
}

async function main(): Promise<void> {
  let values: { 'ws-port'?: string; 'udp-port'?: string; debug?: string; log?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        'ws-port': { type: 'string' },
        'udp-port': { type: 'string' },
        debug: { type: 'string' },
        log: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const wsPort = parsePort('ws-port', values['ws-port'], 8088);
  const udpPort = parsePort('udp-port', values['udp-port'], 5060);
  const debugLevel = values.debug === undefined ? undefined : Number(values.debug);
  if (debugLevel !== undefined && !(Number.isInteger(debugLevel) && debugLevel >= 0 && debugLevel <= 4)) {
    console.error(`Invalid --debug: ${values.debug}\n\n${USAGE}`);
    process.exit(2);
  }

  let pbx: Pbx;
  try {
    pbx = await startPbx({ wsPort, udpPort, debugLevel, keepWorkDir: true });
  } catch (err) {
    if (err instanceof KamailioNotInstalledError) {
      console.error(
        'Kamailio is not installed: run `sudo apt-get install kamailio kamailio-websocket-modules` (Debian/Ubuntu) and try again.',
      );
    } else {
      console.error((err as Error).message);
      if (/already in use/.test((err as Error).message)) {
        console.error('Pick other ports with --ws-port / --udp-port (0 = any free port).');
      }
    }
    process.exit(1);
  }

  const pad = (s: string, n: number): string => s.padEnd(n);
  console.log(`Local PBX (Kamailio, pid ${pbx.pid}) is running.

  WebSocket URL : ${pbx.wsUrl}   (sub-protocol "sip")
  SIP over UDP  : 127.0.0.1:${pbx.udpPort}   (SIPp; unauthenticated except REGISTER)
  Domain/realm  : ${pbx.domain}
  Log file      : ${pbx.logFile}

  Test accounts (digest username = user):
${pbx.accounts.map((a) => `    ${pad(`sip:${a.user}@${pbx.domain}`, 22)} password ${pad(a.password, 14)} ${a.displayName}`).join('\n')}

Press Ctrl-C to stop.`);

  const stopFollowing = values.log ? followLog(pbx.logFile) : () => undefined;
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Kamailio...`);
    await pbx.stop();
    stopFollowing();
    console.log('Kamailio stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));

  await pbx.exited;
  if (!stopping) {
    stopFollowing();
    console.error(`Kamailio exited unexpectedly; see ${pbx.logFile}`);
    process.exit(1);
  }
}

void main();
