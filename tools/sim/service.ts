/**
 * The simulated customers (docs/demo.md): a headless Chromium registered on the PBX as the outside
 * line places calls to the agent from the numbers of the CRM's customers (sometimes from a number
 * the CRM does not know, or a withheld one), and answers the agent's calls to outside numbers. What
 * the customer says and does follows a scenario (scenario.ts); every line is real speech made by
 * espeak-ng (voices.ts) and played into the call.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from '@playwright/test';
import { SERVICE_LINES } from '../../src/customers/generator.js';
import { maskText } from '../../src/log/mask.js';
import { fillLine, SPOKEN_LANGUAGES, type Scenario, type SpokenLanguage, type Step } from './scenario.js';
import { espeakVoice, Voices } from './voices.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A customer of the CRM the simulated calls may come from (or go to). */
export interface SimCustomer {
  firstName: string;
  lastName: string;
  /** E.164 numbers. */
  phones: string[];
  /** BCP 47, e.g. "it", "en-GB". */
  language?: string;
  accountNumber?: string;
  postcode?: string;
  dateOfBirth?: string;
  female?: boolean;
}

export interface SimOptions {
  pbx: { wsUrl: string; domain: string };
  /** The PBX account that stands for the outside world (the PBX's `outsideLine`). */
  line: { user: string; password: string };
  /** The agent's extension the customers call. */
  agent: string;
  customers: readonly SimCustomer[];
  scenarios: readonly Scenario[];
  /** Seconds between the end of one call and the next, on average; 0: only calls asked for. */
  paceSeconds: number;
  /** Seconds before the first call; ignored with paceSeconds 0. */
  firstCallSeconds?: number;
  /** Only this scenario (by id) for the customers' own calls. */
  only?: string;
  /** Where the spoken lines are kept. */
  cacheDir: string;
  /** Chromium's executable (Debian's package). */
  chromium: string;
  log: (line: string) => void;
  random?: () => number;
}

/** What happened in one simulated call, for the demo's output and for tests. */
export interface SimCallReport {
  scenario: string;
  direction: 'in' | 'out';
  language: SpokenLanguage;
  /** The number the call came from or went to; null: withheld. */
  number: string | null;
  answered: boolean;
  /** Lines said, in order. */
  said: string[];
  holds: number;
  endedBy: 'customer' | 'agent' | null;
  /** Audio bytes the customer's side sent and received (WebRTC statistics), at the call's end. */
  audio: { sent: number; received: number } | null;
}

/** The page's API (page/caller.ts), as the functions given to page.evaluate see it there. */
interface CallerPageApi {
  init(options: { wsUrl: string; domain: string; user: string; password: string }): Promise<void>;
  call(target: string, domain: string, identity: string | null, calledLine: string | null): Promise<void>;
  answer(): Promise<void>;
  hangup(): Promise<void>;
  say(url: string): Promise<void>;
  audioBytes(): Promise<{ sent: number; received: number } | null>;
}
declare const window: { sim: CallerPageApi };

type PageEvent =
  | { type: 'registered' }
  | { type: 'incoming'; to: string; from: string }
  | { type: 'established' }
  | { type: 'held' }
  | { type: 'resumed' }
  | { type: 'ended'; by: 'customer' | 'agent' }
  | { type: 'log'; text: string };

/** The five spoken languages, from a customer's BCP 47 tag ("en-GB" → "en"); others → English. */
export function spokenLanguage(tag: string | undefined): SpokenLanguage {
  const base = (tag ?? '').slice(0, 2).toLowerCase();
  return (SPOKEN_LANGUAGES as readonly string[]).includes(base) ? (base as SpokenLanguage) : 'en';
}

/** The service line a customer speaking this language calls (P-Called-Party-ID), as in the CRM's data. */
export function lineFor(language: SpokenLanguage, locale?: string): string {
  // The line of the customer's own country when it speaks that language there (en-US: the US line).
  const exact = SERVICE_LINES.find(
    (line) => line.language === locale && (line.language ?? '').startsWith(language) && line.called.startsWith('+'),
  );
  const same = SERVICE_LINES.find((line) => line.called.startsWith('+') && (line.language ?? '').startsWith(language));
  return (exact ?? same ?? SERVICE_LINES[0]!).called;
}

/** A date of birth as people say it ("12 March 1975"), in the customer's language. */
function spokenDate(iso: string | undefined, language: SpokenLanguage): string | undefined {
  if (!iso) return undefined;
  const date = new Date(`${iso.slice(0, 10)}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toLocaleDateString(language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** Letters and digits one by one ("AC 1 2 3"), the way a caller reads a code out. */
function spelled(code: string | undefined): string | undefined {
  return code
    ?.replace(/[^A-Za-z0-9]/g, '')
    .split('')
    .join(' ');
}

export class SimulatedCustomers {
  private browser: Browser | undefined;
  private page: Page | undefined;
  private server: http.Server | undefined;
  private baseUrl = '';
  private readonly voices: Voices;
  private readonly random: () => number;
  private readonly byNumber = new Map<string, SimCustomer>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The call in progress (one at a time: the outside line is one phone). */
  private call:
    | { events: PageEvent[]; wake: () => void; held: boolean; ended: boolean; endedBy?: 'customer' | 'agent' }
    | undefined;
  private readonly reportListeners = new Set<(report: SimCallReport) => void>();
  private registered!: Promise<void>;

  private constructor(private readonly options: SimOptions) {
    this.voices = new Voices(options.cacheDir);
    this.random = options.random ?? Math.random;
    for (const customer of options.customers) for (const phone of customer.phones) this.byNumber.set(phone, customer);
  }

  /** Whether espeak-ng is there to give the customers their voices. */
  static async speechInstalled(): Promise<boolean> {
    return Voices.check().then(
      () => true,
      () => false,
    );
  }

  static async start(options: SimOptions): Promise<SimulatedCustomers> {
    await Voices.check();
    const sim = new SimulatedCustomers(options);
    try {
      await sim.open();
    } catch (error) {
      await sim.stop();
      throw error;
    }
    return sim;
  }

  /** Calls every listener with each call's report when the call is over. */
  onReport(listener: (report: SimCallReport) => void): () => void {
    this.reportListeners.add(listener);
    return () => this.reportListeners.delete(listener);
  }

  /** A customer calls now (a scenario by id, else one picked by weight); false while a call is up. */
  callNow(scenarioId?: string): boolean {
    if (this.call || this.stopped) return false;
    const inbound = this.options.scenarios.filter((s) => s.direction === 'in');
    const wanted = scenarioId ?? this.options.only;
    const scenario = wanted ? inbound.find((s) => s.id === wanted) : this.pick(inbound);
    if (!scenario) {
      this.options.log(`No scenario "${wanted}" for a customer's call.`);
      return false;
    }
    void this.placeCall(scenario).catch((error: unknown) => {
      this.options.log(`The simulated call failed: ${(error as Error).message}`);
      this.call = undefined;
      this.schedule();
    });
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.browser?.close().catch(() => undefined);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  private async open(): Promise<void> {
    const bundle = await build({
      entryPoints: [path.join(here, 'page', 'caller.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'chrome110',
      write: false,
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0]!.text;
    this.server = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(
          '<!doctype html><title>Simulated customers</title><script type="module" src="/caller.js"></script>',
        );
      } else if (url.pathname === '/caller.js') {
        response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        response.end(script);
      } else if (/^\/voice\/[0-9a-f]{24}\.wav$/.test(url.pathname)) {
        const file = path.join(this.options.cacheDir, path.basename(url.pathname));
        if (!fs.existsSync(file)) return void response.writeHead(404).end();
        response.writeHead(200, { 'content-type': 'audio/wav' });
        fs.createReadStream(file).pipe(response);
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;

    this.browser = await chromium.launch({
      executablePath: this.options.chromium,
      // The demo stops the browser itself on Ctrl-C, after the calls (Playwright would exit the process).
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: [
        '--allow-loopback-in-peer-connection',
        '--autoplay-policy=no-user-gesture-required',
        // Without a microphone permission Chromium hides host candidates behind mDNS names, which
        // nothing resolves on a loopback-only machine: the customers' page has no microphone.
        '--disable-features=WebRtcHideLocalIpsWithMdns',
      ],
    });
    const context = await this.browser.newContext();
    this.page = await context.newPage();
    let onRegistered!: () => void;
    this.registered = new Promise((resolve) => (onRegistered = resolve));
    await this.page.exposeFunction('simEvent', (event: PageEvent) => {
      if (event.type === 'registered') onRegistered();
      else if (event.type === 'log') this.options.log(event.text);
      else if (event.type === 'incoming') void this.answerOutbound(event.to);
      else this.pageEvent(event);
    });
    this.page.on('pageerror', (error) => this.options.log(`The customers' phone: ${error.message}`));
    await this.page.goto(`${this.baseUrl}/`);
    await this.page.waitForFunction(() => 'sim' in window);
    await this.page.evaluate((init) => window.sim.init(init), {
      wsUrl: this.options.pbx.wsUrl,
      domain: this.options.pbx.domain,
      ...this.options.line,
    });
    await Promise.race([
      this.registered,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('the outside line did not register on the PBX within 15 s')), 15_000),
      ),
    ]);
    this.schedule(this.options.firstCallSeconds);
  }

  private pick(scenarios: readonly Scenario[]): Scenario | undefined {
    const total = scenarios.reduce((sum, s) => sum + s.weight, 0);
    let point = this.random() * total;
    for (const scenario of scenarios) {
      point -= scenario.weight;
      if (point < 0) return scenario;
    }
    return scenarios.at(-1);
  }

  /** The next customer's call after about `paceSeconds` (half to one and a half times). */
  private schedule(seconds?: number): void {
    clearTimeout(this.timer);
    if (this.stopped || this.options.paceSeconds <= 0) return;
    const delay = seconds ?? this.options.paceSeconds * (0.5 + this.random());
    this.timer = setTimeout(() => {
      if (!this.callNow()) this.schedule(10);
    }, delay * 1000);
  }

  private pageEvent(event: PageEvent): void {
    const call = this.call;
    if (!call) return;
    if (event.type === 'held') call.held = true;
    if (event.type === 'resumed') call.held = false;
    if (event.type === 'ended') {
      call.ended = true;
      call.endedBy = event.by;
    }
    call.events.push(event);
    call.wake();
  }

  private newCall(): NonNullable<SimulatedCustomers['call']> {
    const call = { events: [] as PageEvent[], wake: () => undefined as void, held: false, ended: false };
    this.call = call;
    return call;
  }

  /** Waits for the next event of the call, at most `ms`; undefined on time-out. */
  private next(ms: number): Promise<PageEvent | undefined> {
    const call = this.call!;
    if (call.events.length > 0) return Promise.resolve(call.events.shift());
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        call.wake = () => undefined;
        resolve(undefined);
      }, ms);
      call.wake = () => {
        clearTimeout(timer);
        call.wake = () => undefined;
        resolve(call.events.shift());
      };
    });
  }

  private async placeCall(scenario: Scenario): Promise<void> {
    const call = this.newCall();
    const customers = this.options.customers;
    const customer =
      scenario.caller === 'known' && customers.length > 0
        ? customers[Math.floor(this.random() * customers.length)]
        : undefined;
    // A caller the CRM does not know, or who withheld the number: the line of one of the countries.
    const countryLines = SERVICE_LINES.filter((line) => line.called.startsWith('+'));
    const strangerLine = countryLines[Math.floor(this.random() * countryLines.length)]!;
    const language =
      scenario.language !== 'customer'
        ? scenario.language
        : spokenLanguage(customer ? customer.language : strangerLine.language);
    const number =
      scenario.caller === 'withheld'
        ? null
        : customer
          ? customer.phones[0]!
          : `${strangerLine.called.slice(0, 3)}99${String(Math.floor(this.random() * 1e7)).padStart(7, '0')}`;
    const calledLine = customer ? lineFor(language, customer.language) : strangerLine.called;
    const lines = await this.prepareLines(scenario, language, customer);
    this.options.log(
      `A customer calls the agent: "${scenario.title}" in ${language}, from ${number ? maskText(number) : 'a withheld number'}.`,
    );
    const report: SimCallReport = {
      scenario: scenario.id,
      direction: 'in',
      language,
      number,
      answered: false,
      said: [],
      holds: 0,
      endedBy: null,
      audio: null,
    };
    await this.page!.evaluate(
      ([agent, domain, identity, called]) => window.sim.call(agent!, domain!, identity, called),
      [this.options.agent, this.options.pbx.domain, number, calledLine] as const,
    );
    const deadline = Date.now() + scenario.giveUpAfter * 1000;
    for (;;) {
      const event = await this.next(Math.max(0, deadline - Date.now()));
      if (!event) {
        this.options.log('Nobody answered: the customer gives up.');
        await this.hangup();
        break;
      }
      if (event.type === 'established') {
        report.answered = true;
        await this.converse(scenario, lines, report);
        break;
      }
      if (event.type === 'ended') {
        report.endedBy = event.by;
        break;
      }
    }
    await this.finish(call, report);
  }

  /** The agent called an outside number: a customer answers it the way an outbound scenario says. */
  private async answerOutbound(dialled: string): Promise<void> {
    if (this.call) {
      // A customer is about to call the agent (its lines being spoken ahead): this line is busy.
      await this.hangup();
      return;
    }
    const call = this.newCall();
    const customer = this.byNumber.get(dialled);
    const wanted = this.options.only;
    const outbound = this.options.scenarios.filter((s) => s.direction === 'out');
    const scenario = outbound.find((s) => s.id === wanted) ?? this.pick(outbound);
    const language =
      scenario?.language === 'customer' || !scenario ? spokenLanguage(customer?.language) : scenario.language;
    const report: SimCallReport = {
      scenario: scenario?.id ?? 'none',
      direction: 'out',
      language,
      number: dialled,
      answered: false,
      said: [],
      holds: 0,
      endedBy: null,
      audio: null,
    };
    this.options.log(
      `The agent calls ${maskText(dialled)}${customer ? '' : ' (a number the CRM does not know)'}: ` +
        `"${scenario?.title ?? 'nobody answers'}".`,
    );
    if (!scenario || scenario.answerAfter === 'never') {
      // It rings until the agent gives up (or two minutes, as a network would).
      const event = await this.waitFor((e) => e.type === 'ended', 120_000);
      if (!event) await this.hangup();
      report.endedBy = event?.type === 'ended' ? event.by : 'customer';
      return this.finish(call, report);
    }
    const lines = await this.prepareLines(scenario, language, customer);
    const cancelled = await this.waitFor((e) => e.type === 'ended', scenario.answerAfter * 1000);
    if (cancelled?.type === 'ended') {
      report.endedBy = cancelled.by;
      return this.finish(call, report);
    }
    await this.page!.evaluate(() => window.sim.answer());
    const established = await this.waitFor((e) => e.type === 'established' || e.type === 'ended', 10_000);
    if (established?.type === 'established') {
      report.answered = true;
      await this.converse(scenario, lines, report);
    } else if (established?.type === 'ended') {
      report.endedBy = established.by;
    }
    await this.finish(call, report);
  }

  private async waitFor(match: (event: PageEvent) => boolean, ms: number): Promise<PageEvent | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const event = await this.next(Math.max(0, deadline - Date.now()));
      if (!event || match(event)) return event;
    }
  }

  /** Every line of the scenario spoken into a WAV before the call, so the customer never pauses to think. */
  private async prepareLines(
    scenario: Scenario,
    language: SpokenLanguage,
    customer: SimCustomer | undefined,
  ): Promise<Map<string, string>> {
    const values = {
      firstName: customer?.firstName,
      lastName: customer?.lastName,
      accountNumber: spelled(customer?.accountNumber),
      postcode: spelled(customer?.postcode),
      dateOfBirth: spokenDate(customer?.dateOfBirth, language),
    };
    const voice = espeakVoice(language, customer?.language, customer?.female ?? this.random() < 0.5);
    const urls = new Map<string, string>();
    for (const [name, line] of Object.entries(scenario.lines)) {
      const spoken = await this.voices.speak(fillLine(line[language], values), voice);
      urls.set(name, `${this.baseUrl}/voice/${path.basename(spoken.file)}`);
    }
    return urls;
  }

  /** The customer's side of the conversation, step by step; paused while on hold. */
  private async converse(scenario: Scenario, lines: Map<string, string>, report: SimCallReport): Promise<void> {
    const call = this.call!;
    let heldSince: number | undefined;
    const say = async (name: string) => {
      report.said.push(name);
      await this.page!.evaluate((url) => window.sim.say(url), lines.get(name)!);
      // Proof that the words went down the line: the call's audio counters after each line.
      report.audio = (await this.page!.evaluate(() => window.sim.audioBytes()).catch(() => null)) ?? report.audio;
    };
    /** Listens for `ms` of call time (hold does not count), reacting to hold and resume. */
    const listen = async (ms: number, untilEnd = false): Promise<void> => {
      let left = ms;
      while (!call.ended && (left > 0 || call.held)) {
        const started = Date.now();
        const holdLimit = scenario.onHold.hangUpAfter;
        const wait = call.held
          ? holdLimit === undefined
            ? 60_000
            : Math.max(0, heldSince! + holdLimit * 1000 - Date.now())
          : left;
        const event = await this.next(wait);
        if (!call.held) left -= Date.now() - started;
        if (!event) {
          if (call.held && holdLimit !== undefined && Date.now() >= heldSince! + holdLimit * 1000) {
            this.options.log(`The customer has been on hold for ${holdLimit} s and hangs up.`);
            await this.hangup();
            return;
          }
          continue;
        }
        if (event.type === 'held') {
          report.holds += 1;
          heldSince = Date.now();
        } else if (event.type === 'resumed' && scenario.onResume.say) {
          await say(scenario.onResume.say);
        } else if (event.type === 'ended') {
          return;
        }
      }
      if (untilEnd && !call.ended) await this.hangup();
    };
    for (const step of scenario.steps as Step[]) {
      if (call.ended) return;
      await listen(0);
      if (call.ended) return;
      if ('wait' in step) await listen(step.wait * 1000);
      else if ('say' in step) await say(step.say);
      else if ('waitForEnd' in step) {
        await listen(step.waitForEnd * 1000, true);
        return;
      } else {
        await this.hangup();
        return;
      }
    }
    if (!call.ended) await this.hangup();
  }

  private async hangup(): Promise<void> {
    await this.page?.evaluate(() => window.sim.hangup()).catch(() => undefined);
  }

  private async finish(call: NonNullable<SimulatedCustomers['call']>, report: SimCallReport): Promise<void> {
    if (!call.ended) {
      const event = await this.waitFor((e) => e.type === 'ended', 10_000);
      if (event?.type === 'ended') report.endedBy ??= event.by;
    }
    report.endedBy = call.endedBy ?? report.endedBy ?? 'customer';
    if (this.call === call) this.call = undefined;
    this.options.log(
      `The call ended (${
        report.answered
          ? `answered; ${report.said.length} lines said, ${report.holds} hold(s), ` +
            `audio bytes sent ${report.audio?.sent ?? 0}, received ${report.audio?.received ?? 0}`
          : 'not answered'
      }; ` + `ended by the ${report.endedBy}).`,
    );
    for (const listener of this.reportListeners) listener(report);
    this.schedule();
  }
}
