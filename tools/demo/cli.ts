/**
 * `npm run demo`: a contact centre on this machine in one command, on loopback only: the local PBX
 * (Kamailio), the reference CRM seeded with a few thousand customers, the softphone's web host set
 * up for a demo agent (extension 1001) in practice mode and synced with that CRM, and the simulated
 * customers (tools/sim) who call the agent with real voices and answer the agent's calls. It prints
 * the address to open; Ctrl-C stops everything it started, and a second run starts clean (a fresh
 * folder each time). docs/demo.md tells the whole story.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCrmServer, type CrmServer } from '../crm/server.js';
import { CrmStore } from '../crm/store.js';
import { getTestAccount } from '../pbx/accounts.js';
import { KamailioNotInstalledError, startPbx, type Pbx } from '../pbx/pbx.js';
import { generateCustomers, Random } from '../../src/customers/generator.js';
import { DEMO_STACK } from '../../src/config/practice.js';
import { formatProblem, readScenarios } from '../sim/scenario.js';
import { SimulatedCustomers, type SimCustomer } from '../sim/service.js';
import { SpeechNotInstalledError } from '../sim/voices.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const AGENT = '1001';
/** The PBX account the simulated customers use: the outside world, as a trunk would be. */
const OUTSIDE_LINE = '1006';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
const USAGE = `Usage: npm run demo -- [options]

  --customers <n>     customers seeded into the demo CRM (default 3000)
  --port <n>          the web host's port on 127.0.0.1 (default 8765; 0 picks a free one)
  --pace <s>          seconds between simulated calls, on average (default 60; 0: only when
                      you type c and Enter)
  --first-call <s>    seconds before the first simulated call (default 20)
  --scenario <id>     only this scenario (a file name in the scenarios folder, without .yaml)
  --scenarios <dir>   the scenario files (default tools/sim/scenarios; format in docs/demo.md)
  --seed <n>          the same callers in the same order each run (default: different each run)
  --no-customers      no simulated customers: call the agent yourself from a SIP client
  --web               the web host even where the desktop app can run
  --no-desk           no desk of the demo's own: use your softphone in practice mode
                      (Settings → Practice mode finds the demo on this computer)`;

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
  let values: {
    customers?: string;
    port?: string;
    pace?: string;
    'first-call'?: string;
    scenario?: string;
    scenarios?: string;
    'no-customers'?: boolean;
    seed?: string;
    web?: boolean;
    'no-desk'?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        customers: { type: 'string' },
        port: { type: 'string' },
        pace: { type: 'string' },
        'first-call': { type: 'string' },
        scenario: { type: 'string' },
        scenarios: { type: 'string' },
        'no-customers': { type: 'boolean' },
        seed: { type: 'string' },
        web: { type: 'boolean' },
        'no-desk': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
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
  const pace = number('pace', values.pace, 60, 3600);
  const firstCall = number('first-call', values['first-call'], 20, 3600);
  const withCustomers = !values['no-customers'];
  const withDesk = !values['no-desk'];
  const seed = values.seed === undefined ? undefined : number('seed', values.seed, 0, 2 ** 31);
  // The scenarios first: a typo in one stops the demo before anything starts, with its place.
  const scenarioDir = path.resolve(values.scenarios ?? path.join(root, 'tools', 'sim', 'scenarios'));
  const { scenarios, problems } = withCustomers
    ? fs.existsSync(scenarioDir)
      ? readScenarios(scenarioDir)
      : { scenarios: [], problems: [{ source: scenarioDir, message: 'no such folder' }] }
    : { scenarios: [], problems: [] };
  if (problems.length > 0) {
    console.error(`The scenario files have problems:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    process.exit(2);
  }
  if (values.scenario && !scenarios.some((s) => s.id === values.scenario)) {
    console.error(
      `No scenario "${values.scenario}" in ${scenarioDir}; there are: ${scenarios.map((s) => s.id).join(', ')}`,
    );
    process.exit(2);
  }

  if (screenOutOfDate()) {
    console.error('Building the screen…');
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
    // On the ports a desk's practice mode looks for (DEMO_STACK), else on free ones.
    let onKnownPorts = true;
    const startOurPbx = () =>
      startPbx({ outsideLine: OUTSIDE_LINE, wsPort: DEMO_STACK.pbxWsPort, udpPort: DEMO_STACK.pbxUdpPort }).catch(
        (error: unknown) => {
          if (!/already in use/.test((error as Error).message)) throw error;
          onKnownPorts = false;
          return startPbx({ outsideLine: OUTSIDE_LINE });
        },
      );
    try {
      pbx = await startOurPbx().catch(async (error: unknown) => {
        // As root on Debian or Ubuntu the demo installs what it needs itself, as test:all does.
        if (!(error instanceof KamailioNotInstalledError) || process.getuid?.() !== 0) throw error;
        console.error("Installing Kamailio from Debian's packages…");
        await installDebianPackages(['kamailio', 'kamailio-websocket-modules', 'kamailio-extra-modules']);
        return startOurPbx();
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

    // The practice token every desk's practice mode knows: a loopback CRM of invented customers.
    const token = DEMO_STACK.crmToken;
    const store = new CrmStore(path.join(dir, 'crm.sqlite'));
    console.error(`Seeding the demo CRM with ${customers} customers…`);
    store.seed({ customers, seed: 1 });
    const crm: CrmServer = await startCrmServer({ store, tokens: [token], port: DEMO_STACK.crmPort }).catch(
      (error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        onKnownPorts = false;
        return startCrmServer({ store, tokens: [token] });
      },
    );
    stops.push(async () => {
      await crm.close();
      store.close();
    });

    let url: string | undefined;
    let desktop = false;
    if (withDesk) {
      // The demo's desk is in practice mode: its practice folder points at this stack.
      const deskDir = path.join(dir, 'desk');
      const practiceDir = path.join(deskDir, 'practice');
      const account = getTestAccount(AGENT);
      fs.mkdirSync(practiceDir, { recursive: true });
      fs.writeFileSync(path.join(deskDir, 'settings.json'), JSON.stringify({ practice: { enabled: true } }));
      fs.writeFileSync(
        path.join(practiceDir, 'settings.json'),
        JSON.stringify({
          sip: { wsUrl: pbx.wsUrl, user: AGENT, domain: pbx.domain, displayName: account.displayName },
          agent: { name: 'Demo Agent', company: 'Acme Energia' },
          crm: { url: crm.url, pullIntervalSeconds: 10 },
        }),
      );

      const env = {
        ...process.env,
        // The demo's desk ignores this machine's IT policy; its practice secrets come this way.
        HEADSET_SOFTPHONE_POLICY: path.join(dir, 'no-policy.json'),
        HEADSET_SOFTPHONE_PRACTICE_SIP_PASSWORD: account.password,
        HEADSET_SOFTPHONE_PRACTICE_CRM_TOKEN: token,
      };
      // The desktop app where its binary can run here, else the web host (as `npm run app` chooses).
      desktop = !values.web && electronCanRun();
      const host = desktop
        ? spawn(process.execPath, ['scripts/start-electron.mjs', '--data-dir', deskDir], {
            cwd: root,
            env,
            stdio: ['ignore', 'inherit', 'inherit'],
          })
        : spawn(
            process.execPath,
            ['--import', 'tsx', 'main/web/cli.ts', '--data-dir', deskDir, '--port', String(port)],
            {
              cwd: root,
              env,
              stdio: ['ignore', 'pipe', 'inherit'],
            },
          );
      const hostName = desktop ? 'The desktop app' : 'The web host';
      stops.push(() => stopChild(host));
      url = desktop
        ? undefined
        : await new Promise<string>((resolve, reject) => {
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
          console.error(`${hostName} stopped unexpectedly (exit ${code}).`);
          void stopAll(1);
        }
      });
    }

    let sim: SimulatedCustomers | undefined;
    if (withCustomers) {
      console.error('Starting the simulated customers…');
      sim = await startCustomers(pbx, customers, scenarios, {
        pace,
        firstCall,
        only: values.scenario,
        seed,
        cacheDir: path.join(root, '.tmp', 'sim-voices'),
      });
      stops.unshift(() => sim!.stop());
    }

    console.log(
      [
        'The demo contact centre is running on this machine:',
        '',
        url
          ? `  Open in Chromium or Chrome:  ${url}`
          : desktop
            ? '  The desk is the desktop app window that opened.'
            : '  No desk of its own (--no-desk): turn on Settings → Practice mode in your softphone.',
        onKnownPorts
          ? ''
          : '  Note: the usual ports were taken, so a softphone in practice mode will not find this demo;\n' +
            '  use the desk the demo started.',
        '',
        `  Phone server (Kamailio):     ${pbx.wsUrl}  (SIP over UDP on 127.0.0.1:${pbx.udpPort})`,
        `  CRM:                         ${crm.url}  (${customers} customers)`,
        `  The agent:                   extension ${AGENT} (password ${getTestAccount(AGENT).password}), in practice mode`,
        sim
          ? pace > 0
            ? `  Simulated customers:         ${scenarios.filter((s) => s.direction === 'in').length} scenarios; the first call in about ${firstCall} s, then one every ~${pace} s`
            : '  Simulated customers:         they call when you type c and Enter'
          : '  No simulated customers (--no-customers).',
        sim
          ? '  Type c and Enter to have a customer call now (c <scenario> for one scenario, e.g.\n' +
            '  c abusive-caller). Calls to outside numbers reach the customers too.'
          : '',
        '  Call the agent yourself from a SIP client on the PBX: users 1002–1005, password "secret" +',
        '  the user (e.g. 1002 / secret1002), domain pbx.test.',
        '',
        'Press Ctrl-C to stop everything.',
      ]
        .filter((line, index, lines) => line !== '' || lines[index - 1] !== '')
        .join('\n'),
    );
    if (sim) {
      process.stdin.setEncoding('utf8');
      // "c": a customer calls now; "c <scenario>": that scenario (a trainer picks the situation).
      const inbound = scenarios.filter((s) => s.direction === 'in').map((s) => s.id);
      process.stdin.on('data', (text: string) => {
        for (const line of text.split('\n')) {
          const [command, scenario] = line.trim().split(/\s+/);
          if (command?.toLowerCase() !== 'c') continue;
          if (scenario && !inbound.includes(scenario)) {
            console.error(`No scenario "${scenario}" for a customer's call; there are: ${inbound.join(', ')}`);
          } else if (!sim!.callNow(scenario)) {
            console.error('A simulated call is already in progress.');
          }
        }
      });
    }
  } catch (error) {
    console.error(`The demo could not start: ${(error as Error).message}`);
    await stopAll(1);
  }
}

/** The customers of the demo CRM (the same generator and seed), as the simulated callers know them. */
function demoCustomers(count: number): SimCustomer[] {
  const female = new Set(['Mrs', 'Ms', 'Miss', 'Mrs.', 'Ms.', 'Sig.ra', 'Dott.ssa', 'κα', 'г-жа', 'Dna.']);
  const list: SimCustomer[] = [];
  for (const { customer } of generateCustomers(count, { seed: 1 })) {
    if (!customer.givenName || !customer.familyName || customer.phones.length === 0) continue;
    list.push({
      firstName: customer.givenName,
      lastName: customer.familyName,
      phones: customer.phones.map((phone) => phone.e164),
      language: customer.language,
      accountNumber: customer.accountNumber,
      postcode: customer.identification?.postcode,
      dateOfBirth: customer.identification?.dateOfBirth,
      ...(customer.title ? { female: female.has(customer.title) } : {}),
    });
  }
  return list;
}

/**
 * The simulated customers need espeak-ng and Chromium from Debian's packages: installed here when
 * run as root on Debian or Ubuntu, else named with the command that installs them.
 */
async function startCustomers(
  pbx: Pbx,
  count: number,
  scenarios: Parameters<typeof SimulatedCustomers.start>[0]['scenarios'],
  options: { pace: number; firstCall: number; only?: string; seed?: number; cacheDir: string },
): Promise<SimulatedCustomers> {
  const start = () =>
    SimulatedCustomers.start({
      pbx,
      line: { user: OUTSIDE_LINE, password: getTestAccount(OUTSIDE_LINE).password },
      agent: AGENT,
      customers: demoCustomers(count),
      scenarios,
      paceSeconds: options.pace,
      firstCallSeconds: options.firstCall,
      only: options.only,
      cacheDir: options.cacheDir,
      chromium: CHROMIUM,
      ...(options.seed === undefined
        ? {}
        : {
            random: (
              (rng) => () =>
                rng.float()
            )(new Random(options.seed)),
          }),
      log: (line) => console.log(`[customers] ${new Date().toLocaleTimeString()} ${line}`),
    });
  const missing = [
    ...(fs.existsSync(CHROMIUM) ? [] : ['chromium']),
    ...(await SimulatedCustomers.speechInstalled().then((ok) => (ok ? [] : ['espeak-ng']))),
  ];
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) {
      throw new Error(
        `The simulated customers need ${missing.join(' and ')} from Debian's packages. Install with:\n` +
          `  sudo apt-get install ${missing.join(' ')}\n(or run the demo with --no-customers).`,
      );
    }
    console.error(`Installing ${missing.join(' and ')} from Debian's packages…`);
    await installDebianPackages(missing);
  }
  try {
    return await start();
  } catch (error) {
    if (error instanceof SpeechNotInstalledError)
      throw new Error(`${error.message} (or run the demo with --no-customers).`, { cause: error });
    throw error;
  }
}

function installDebianPackages(packages: string[]): Promise<void> {
  return run('bash', ['-c', `source scripts/debian-packages.sh && ensure_debian_packages ${packages.join(' ')}`]);
}

/** The built screen is missing, or older than its sources (a pull since the last build). */
function screenOutOfDate(): boolean {
  const built = path.join(root, 'out', 'renderer', 'index.html');
  if (!fs.existsSync(built)) return true;
  const builtAt = fs.statSync(built).mtimeMs;
  const newest = (dir: string): number =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .reduce(
        (latest, entry) =>
          Math.max(
            latest,
            entry.isDirectory() ? newest(path.join(dir, entry.name)) : fs.statSync(path.join(dir, entry.name)).mtimeMs,
          ),
        0,
      );
  return ['renderer', path.join('src', 'contract')].some((dir) => newest(path.join(root, dir)) > builtAt);
}

/** Whether the Electron app can run here (its binary installed or downloadable): as `npm run app` asks. */
function electronCanRun(): boolean {
  return (
    spawnSync(process.execPath, ['scripts/start-electron.mjs', '--check'], { cwd: root, stdio: 'ignore' }).status === 0
  );
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
