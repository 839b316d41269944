import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultDataDir, defaultPolicyPath, APP_NAME } from '../../src/config/paths.js';
import { validatePolicyFile } from '../../src/config/validate-policy.js';
import { Core, type PracticePort } from '../../src/core/core.js';
import {
  deskFolders,
  practiceSecrets,
  practiceSwitch,
  savePracticeSwitch,
  secretsFromEnvironment,
} from '../../src/config/practice.js';
import { createLogger, type Logger } from '../../src/log/logger.js';
import { FileSecretStore } from '../../src/secrets/file-secret-store.js';
import { startWebHost } from './server.js';

const HELP = `Usage: npm run web -- [--config <file>] [--data-dir <dir>] [--port <n>]
       npm run web -- --validate-policy <file>

  --data-dir <dir>  where settings, secrets and logs live (default: ${defaultDataDir()})
  --config <file>   the user settings file (default: <data-dir>/settings.json)
  --port <n>        the port on 127.0.0.1 to serve on (default: 8765; 0 picks a free one)
  --validate-policy <file>
                    check an IT policy file as the app reads it, print every problem and exit
                    (status 0 when it is valid, 1 when it is not)

The machine-wide policy file is read from ${defaultPolicyPath()}
(override with HEADSET_SOFTPHONE_POLICY=<file>).
The SIP password and the CRM token are kept in <data-dir>/secrets.json (mode 0600), or taken
from the environment variables HEADSET_SOFTPHONE_SIP_PASSWORD and HEADSET_SOFTPHONE_CRM_TOKEN,
which are never written to disk. In practice mode the desk keeps its own in
<data-dir>/practice/secrets.json, or takes HEADSET_SOFTPHONE_PRACTICE_SIP_PASSWORD and
HEADSET_SOFTPHONE_PRACTICE_CRM_TOKEN.`;

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        config: { type: 'string' },
        'data-dir': { type: 'string' },
        port: { type: 'string', default: '8765' },
        help: { type: 'boolean', short: 'h' },
        'validate-policy': { type: 'string' },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(HELP);
    return;
  }
  if (args['validate-policy'] !== undefined) {
    const check = validatePolicyFile(path.resolve(args['validate-policy']));
    for (const line of check.lines) (check.ok ? console.log : console.error)(line);
    process.exit(check.ok ? 0 : 1);
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a number from 0 to 65535, not "${args.port}".`);
    process.exit(2);
  }
  const rootDir = path.resolve(args['data-dir'] ?? defaultDataDir());
  fs.mkdirSync(rootDir, { recursive: true, mode: 0o700 });
  const realFiles = {
    policy: defaultPolicyPath(),
    user: path.resolve(args.config ?? path.join(rootDir, 'settings.json')),
  };
  let host: Awaited<ReturnType<typeof startWebHost>> | undefined;
  let core: Core;
  // The host's own log is the real desk's; a practice desk logs into its own folder.
  const logger = createLogger({ file: path.join(rootDir, 'logs', 'core.log') });
  let practiceLogger: Logger | undefined;
  let swapping = false;
  /** The desk on the real folder or (practice mode) on the practice folder, each with its own files. */
  const makeCore = (practice: boolean): Core => {
    const { dataDir, files } = deskFolders(rootDir, realFiles, practice);
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const logFile = path.join(dataDir, 'logs', 'core.log');
    practiceLogger?.flush();
    practiceLogger = practice ? createLogger({ file: logFile }) : undefined;
    const port: PracticePort = {
      active: practice,
      switchTo: async (enabled) => {
        if (swapping) return { ok: false, error: { code: 'invalid', message: 'practice-busy' } };
        const saved = savePracticeSwitch(realFiles, enabled);
        if (!saved.ok) return saved;
        swapping = true;
        // After the answer has gone out: stop this desk, start the other one, move the pages over.
        setTimeout(() => void swap(enabled), 50);
        return { ok: true };
      },
    };
    return new Core({
      app: { name: APP_NAME, version: readVersion(), host: 'web' },
      dataDir,
      logFile,
      settingsFiles: files,
      secrets: practiceSecrets(
        new FileSecretStore(path.join(dataDir, 'secrets.json'), secretsFromEnvironment(process.env, practice)),
        practice,
      ),
      logger: practiceLogger ?? logger,
      practice: port,
    });
  };
  const swap = async (practice: boolean) => {
    try {
      await core.stop();
      core = makeCore(practice);
      host?.setCore(core);
      await core.start();
      console.log(practice ? 'Practice mode is on: the desk runs on its practice folder.' : 'Practice mode is off.');
    } catch (error) {
      logger.error({ err: error }, 'the desk could not be restarted for practice mode');
      console.error(`The desk could not be restarted: ${(error as Error).message}`);
    } finally {
      swapping = false;
    }
  };
  core = makeCore(practiceSwitch(realFiles));
  const staticDir = path.join(projectRoot, 'out', 'renderer');
  if (!fs.existsSync(path.join(staticDir, 'index.html'))) {
    console.error(
      'The user interface is not built yet: run `npm run web` (it builds first), or `npm run build:renderer`.',
    );
    process.exit(1);
  }
  try {
    host = await startWebHost({ core, logger, staticDir, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE'
        ? `Port ${port} on 127.0.0.1 is already in use: choose another with --port <n> (0 picks a free one).`
        : `The web host could not start: ${(error as Error).message}`,
    );
    process.exit(1);
  }
  await core.start();
  console.log(`${APP_NAME} is running. Open this address in Chromium or Chrome:\n\n  ${host.url}\n`);
  console.log(`Data folder: ${rootDir}\nPress Ctrl-C to stop.`);
  if (core.snapshot().practice.enabled) console.log('Practice mode is on: the desk runs on its practice folder.');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await core.stop();
    await host.close();
    practiceLogger?.flush();
    logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

function readVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

void main();
