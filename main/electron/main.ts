import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, powerMonitor, safeStorage, session, type BrowserWindow } from 'electron';
import { APP_NAME, defaultPolicyPath } from '../../src/config/paths.js';
import { validatePolicyFile } from '../../src/config/validate-policy.js';
import {
  deskFolders,
  practiceSecrets,
  practiceSwitch,
  savePracticeSwitch,
  secretsFromEnvironment,
} from '../../src/config/practice.js';
import { Core } from '../../src/core/core.js';
import { createLogger, type Logger } from '../../src/log/logger.js';
import { withGivenSecrets } from '../../src/secrets/secret-store.js';
import { argumentValue } from './arguments.js';
import { attachDesktop, osPolicy } from './desktop.js';
import { IpcHost } from './ipc.js';
import { LinkInbox } from './links.js';
import { feedPowerEvents } from './power.js';
import { SafeStorageSecretStore } from './secret-store.js';
import { hardenSession, installSecurityGuards } from './security.js';
import { trustedOrigins } from './security-policy.js';
import { createMainWindow, registerAppScheme, serveRenderer } from './window.js';

// The desktop host: the same core as main/web/cli.ts, carried over IPC to a sandboxed window.
// What must happen before `ready` happens synchronously here, before anything is awaited.

/** How long quitting waits for the line to unregister before giving up. */
const STOP_TIMEOUT_MS = 5000;

const here = path.dirname(fileURLToPath(import.meta.url)); // out/main
const rendererDir = path.join(here, '..', 'renderer');
const preload = path.join(here, '..', 'preload', 'index.cjs');
// The dev server URL is honoured only in development, never in an installed app.
const devRendererUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const trusted = trustedOrigins(devRendererUrl);

// Click-to-dial links (tel:, callto:, sip:) wait in the inbox until the core runs.
const links = new LinkInbox();
// Windows shows notifications (and their buttons) only for an app with its own id, the one the
// installer gives its shortcuts.
if (process.platform === 'win32') app.setAppUserModelId('org.headset-softphone.desktop');
app.on('open-url', (event, url) => {
  event.preventDefault();
  links.add(url);
});
links.fromArgs(process.argv);

// IT checks a policy file with the installed app: `<app> --validate-policy <file>` prints what is
// wrong and exits (0 valid, 1 not) without opening a window or taking the single-instance lock.
const policyToCheck = argumentValue(process.argv, '--validate-policy');
// `--data-dir <dir>`: a desk of its own in that folder (the demo, a second desk on one machine).
const dataDirArgument = argumentValue(process.argv, '--data-dir');
if (dataDirArgument !== undefined) app.setPath('userData', path.resolve(dataDirArgument));
if (policyToCheck !== undefined) {
  const check = validatePolicyFile(path.resolve(policyToCheck));
  process.stdout.write(`${check.lines.join('\n')}\n`);
  app.exit(check.ok ? 0 : 1);
} else {
  start();
}

function start(): void {
  app.enableSandbox();
  registerAppScheme();
  if (!app.requestSingleInstanceLock()) {
    // Another instance is running: it focuses its window and takes our tel:/sip: link
    // (second-instance below), so a link clicked while the app runs reaches the running desk.
    app.quit();
  } else {
    void run();
  }
}

async function run(): Promise<void> {
  let window: BrowserWindow | undefined;
  const raise = () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  app.on('second-instance', (_event, argv) => {
    raise();
    links.fromArgs(argv);
  });

  const userData = app.getPath('userData');
  const logger = createLogger({ file: path.join(userData, 'logs', 'core.log') });
  installSecurityGuards(trusted, logger);

  await app.whenReady();
  hardenSession(session.defaultSession, trusted, logger);

  // Practice mode (docs/demo.md): the desk runs on the practice folder; flipping the switch keeps
  // it in the real settings and starts the app again on the other folder.
  const realFiles = { policy: defaultPolicyPath(), user: path.join(userData, 'settings.json'), osPolicy };
  const practice = practiceSwitch(realFiles);
  const desk = deskFolders(userData, realFiles, practice);
  const core: Core = new Core({
    app: { name: APP_NAME, version: app.getVersion(), host: 'electron' },
    dataDir: desk.dataDir,
    logFile: path.join(userData, 'logs', 'core.log'),
    settingsFiles: desk.files,
    practice: {
      active: practice,
      switchTo: async (enabled) => {
        const saved = savePracticeSwitch(realFiles, enabled);
        if (!saved.ok) return saved;
        setTimeout(() => {
          app.relaunch();
          app.quit();
        }, 50);
        return { ok: true };
      },
    },
    secrets: practiceSecrets(
      withGivenSecrets(
        new SafeStorageSecretStore({
          safeStorage,
          file: path.join(desk.dataDir, 'secrets.bin'),
          logger,
          allowBasicText: (): boolean => core.policyAllows('desktop.allowWeakKeyring'),
        }),
        // A development run, a test or the demo may give the password and token in the environment
        // (as the web host takes them); an installed app never does: its secrets live in the OS
        // keychain only.
        app.isPackaged ? {} : secretsFromEnvironment(process.env, practice),
      ),
      practice,
    ),
    logger,
  });
  serveRenderer(rendererDir, logger);
  // After a sleep the connection is most likely dead: check it at once, not at the next keepalive.
  feedPowerEvents(powerMonitor, (command) => void core.dispatch(command));
  const ipc = new IpcHost(core, logger, trusted);

  const openWindow = () => {
    window = createMainWindow({ preload, devRendererUrl, logger });
    ipc.attach(window.webContents);
  };
  openWindow();
  app.on('activate', () => {
    if (!window || window.isDestroyed()) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Unregister from the PBX before exiting: hold the quit once, stop the core, then quit for real.
  let stopped = false;
  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    void stop(core, ipc, logger).finally(() => {
      stopped = true;
      app.quit();
    });
  });

  try {
    await core.start();
  } catch (error) {
    logger.error({ err: error }, 'the core could not start');
  }
  links.attach((link) => {
    raise();
    void core.dispatch({ type: 'link.open', link });
  });
  // The tray, incoming-call notifications, global hotkeys, start on login, no sleep during a call.
  const desktop = attachDesktop(core, raise, logger);
  app.on('will-quit', () => desktop.dispose());
  // With the tray icon up, closing the window keeps the desk running (calls still ring and pop
  // the window up); Quit in the tray menu, or the OS's quit, ends it.
  const keepInTray = (event: Electron.Event) => {
    if (stopping || !desktop.hasTray()) return;
    event.preventDefault();
    window?.hide();
  };
  window?.on('close', keepInTray);
  app.on('browser-window-created', (_event, created) => created.on('close', keepInTray));
}

async function stop(core: Core, ipc: IpcHost, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      core.stop(),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          logger.warn({ timeoutMs: STOP_TIMEOUT_MS }, 'the line did not unregister in time; quitting anyway');
          resolve();
        }, STOP_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    logger.error({ err: error }, 'the core did not stop cleanly');
  } finally {
    clearTimeout(timer);
    ipc.close();
    logger.flush();
  }
}
