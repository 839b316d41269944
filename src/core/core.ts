import {
  missingAccountFields,
  type AppInfo,
  type Call,
  type Command,
  type CommandResult,
  type CoreEvent,
  type DialLinkPrompt,
  type LineState,
  type Settings,
  type SettingsView,
  type StateSnapshot,
  type SyncStatus,
  SYNC_OFF,
  customerFullName,
} from '../contract/index.js';
import path from 'node:path';
import type { OsPolicy } from '../config/layers.js';
import { SettingsStore } from '../config/store.js';
import type { Logger } from '../log/logger.js';
import { SecretStoreUnavailableError, type SecretStore } from '../secrets/secret-store.js';
import { writeDiagnosticsBundle } from '../diagnostics/bundle.js';
import { SipTrace } from '../diagnostics/sip-trace.js';
import { CallHistoryStore } from '../telephony/history.js';
import { LineHealthTracker } from '../telephony/line-health.js';
import { Phone } from '../telephony/phone.js';
import { Registration, type RegistrationOptions } from '../telephony/registration.js';
import { MediaRouter, type MediaChannel } from './media-channel.js';
import { CustomerDesk } from './customer-desk.js';
import { CUSTOMER_DB_FILE } from '../config/paths.js';
import { SyncClient, type SyncClientOptions } from '../sync/client.js';
import { CallGuidance, type GuidanceCommand } from '../guidance/guidance.js';
import { GuidanceDocuments } from '../guidance/documents.js';
import { ScriptLibrary } from '../guidance/library.js';
import type { ScriptsStatus } from '../contract/guidance.js';
import { WorkStore } from '../work/store.js';
import { WorkDesk, type WorkCommand } from '../work/work-desk.js';
import { checkedLinkTarget } from './dial-links.js';
import { PracticeLog } from '../practice/review.js';

/**
 * Practice mode as the host runs it: the host starts the core on the practice folder when the
 * switch is on, and restarts it on the other folder when the agent flips it (docs/demo.md).
 */
export interface PracticePort {
  /** This core runs on the practice folder. */
  active: boolean;
  /** Keep the switch in the real settings and restart the desk on the other folder. */
  switchTo(enabled: boolean): Promise<CommandResult>;
}

/** A CRM on this computer: the only kind a desk in practice mode syncs with. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

/** What a host gives the core. The core never asks which host runs it. */
export interface CorePorts {
  app: AppInfo;
  /**
   * The settings files, and (desktop app) the OS-managed policy: Group Policy on Windows, a
   * configuration profile on macOS (main/electron/os-policy-reader.ts).
   */
  settingsFiles: { policy?: string; user: string; osPolicy?: () => OsPolicy | undefined };
  /** The folder the core keeps its own files in (the recent-calls list, diagnostics bundles). */
  dataDir: string;
  /** The core's log file, for the diagnostics bundle. */
  logFile?: string;
  secrets: SecretStore;
  logger: Logger;
  /** Tuning for tests (faster backoff); production uses the defaults. */
  registration?: Omit<RegistrationOptions, 'logger'>;
  /** How long the media engine may take to answer one request (default 10 s). */
  mediaTimeoutMs?: number;
  /** Tuning of the CRM sync for tests (smaller pages, faster retries). */
  sync?: SyncClientOptions['tuning'];
  /** Practice mode; absent: this host has none (the core is never in practice). */
  practice?: PracticePort;
}

type EventListener = (event: CoreEvent) => void;

/**
 * The softphone's core: settings, the line, and (in later issues) calls, customers, guidance and
 * wrap-up. UIs talk to it only through contract commands and events.
 */
export class Core {
  private readonly settings: SettingsStore;
  private readonly listeners = new Set<EventListener>();
  private registration: Registration | undefined;
  private line: LineState = { status: 'unregistered' };
  private hasSipPassword = false;
  /** The agent pressed "Disconnect": stay offline until asked again. */
  private offlineByChoice = false;
  private readonly media: MediaRouter;
  private readonly phone: Phone;
  private calls: Call[] = [];
  private readonly history: CallHistoryStore;
  private readonly health: LineHealthTracker;
  /** The last SIP messages, masked as they are recorded: for the diagnostics bundle. */
  private readonly trace = new SipTrace();
  private readonly customers: CustomerDesk;
  private syncStatus: SyncStatus = SYNC_OFF;
  private readonly sync: SyncClient;
  private hasCrmToken = false;
  private readonly scripts: ScriptLibrary;
  private scriptsStatus: ScriptsStatus = { scripts: [], problems: [] };
  private dialLink: DialLinkPrompt | null = null;
  private hotkeyProblems: SettingsView['hotkeyProblems'] = [];
  private readonly guidance: CallGuidance;
  private readonly workStore: WorkStore;
  private readonly work: WorkDesk;
  private readonly practice = new PracticeLog();

  constructor(private readonly ports: CorePorts) {
    this.settings = new SettingsStore(ports.settingsFiles);
    this.media = new MediaRouter(ports.mediaTimeoutMs);
    this.history = new CallHistoryStore(path.join(ports.dataDir, 'call-history.json'), ports.logger);
    this.health = new LineHealthTracker(() => this.settings.values.sip.wsUrl);
    this.customers = new CustomerDesk({
      file: path.join(ports.dataDir, CUSTOMER_DB_FILE),
      logger: ports.logger.child({ part: 'customers' }),
      region: () => this.settings.values.phone.defaultRegion,
      emit: (event) => {
        this.emit(event);
        // A record linked to a call (matched, chosen, created): the guidance fills its names in.
        if (event.type === 'pops') this.guidance?.update(this.calls, event.pops);
      },
      onLocalChange: () => this.sync.nudge(),
    });
    this.customers.open();
    const documents = new GuidanceDocuments(() => this.customers.connection());
    this.scripts = new ScriptLibrary({
      folder: () => this.settings.values.guidance.scriptsFolder,
      crmScripts: () => documents.scripts(),
      logger: ports.logger.child({ part: 'scripts' }),
      onChange: (scripts) => {
        this.scriptsStatus = scripts;
        this.emit({ type: 'scripts', scripts });
      },
    });
    this.scripts.reload();
    this.guidance = new CallGuidance({
      library: this.scripts,
      settings: () => ({
        guidance: this.settings.values.guidance,
        agent: this.settings.values.agent,
        uiLanguage: this.settings.values.ui.language,
      }),
      knowledge: documents,
      hangup: (callId) => this.phone.hangup(callId),
      emit: (guidance) => this.emit({ type: 'guidance', guidance }),
      logger: ports.logger.child({ part: 'guidance' }),
    });
    this.workStore = new WorkStore(path.join(ports.dataDir, CUSTOMER_DB_FILE), ports.logger.child({ part: 'work' }));
    try {
      this.workStore.open();
    } catch (error) {
      // The customer cache says what is wrong with the file; wrap-ups answer "unavailable" meanwhile.
      ports.logger.error({ err: error }, 'the work database could not be opened');
    }
    this.work = new WorkDesk({
      store: this.workStore,
      settings: () => this.settings.values,
      dispositions: () => documents.dispositions(),
      dial: (target) => this.phone.dial(target),
      linkPop: (callId, customerId) => this.customers.dispatch({ type: 'pop.link', callId, customerId }),
      emit: (event) => this.emit(event),
      onWrapUpSaved: (callId, draft) => {
        this.customers.syncChanged();
        if (this.practiceActive() && this.practice.wrapUpSaved(callId, draft, Date.now())) this.emitPractice();
      },
      logger: ports.logger.child({ part: 'work' }),
    });
    this.sync = new SyncClient({
      dbFile: path.join(ports.dataDir, CUSTOMER_DB_FILE),
      logger: ports.logger.child({ part: 'sync' }),
      onStatus: (sync) => {
        this.syncStatus = sync;
        this.emit({ type: 'sync', sync });
      },
      onCustomersChanged: () => {
        this.customers.syncChanged();
        // Scripts come through the sync too.
        this.scripts.refreshCrm();
      },
      onOutboundChanged: () => this.work.outboundChanged(),
      tuning: ports.sync,
    });
    this.phone = new Phone({
      media: this.media,
      logger: ports.logger.child({ part: 'phone' }),
      dialPlan: () => ({
        domain: this.settings.values.sip.domain,
        defaultRegion: this.settings.values.phone.defaultRegion,
      }),
      settings: () => this.settings.values.calls,
      refuseIncoming: (call) => this.work.refuseIncoming(call),
      onChange: (calls) => {
        this.calls = calls;
        // The record first, so that the ringing call and who it is reach the screen together.
        this.customers.callsChanged(calls);
        this.guidance.update(calls, this.customers.view());
        this.work.callsChanged(calls);
        this.emit({ type: 'calls', calls });
      },
      onEnded: (call) => {
        // The trail goes with the call into the history and the customer's interaction.
        const guidance = this.guidance.ended(call);
        if (guidance) call.guidance = guidance;
        void this.work.callEnded(call, {
          pop: this.customers.view().find((pop) => pop.callId === call.id),
          guidance,
          guidanceView: this.guidance.views().find((view) => view.callId === call.id),
          callsLeft: this.calls.filter((other) => other.id !== call.id && other.state !== 'ended').length,
        });
        if (this.practiceActive()) {
          const customer = this.customers.view().find((p) => p.callId === call.id)?.card?.customer;
          const reviewed = this.practice.callEnded({
            call,
            guidance,
            holdReminderSeconds: this.settings.values.guidance.holdReminderSeconds,
            customerName: customer ? customerFullName(customer) : undefined,
          });
          if (reviewed) this.emitPractice();
        }
        this.history.add(call);
        this.customers.callEnded(call);
        this.emit({ type: 'history', history: this.history.view() });
      },
    });
    for (const problem of this.settings.view().problems) {
      ports.logger.warn({ file: problem.file, key: problem.key }, `configuration problem: ${problem.message}`);
    }
  }

  async start(): Promise<void> {
    this.hasSipPassword = Boolean(await this.ports.secrets.get('sip.password'));
    await this.configureSync();
    this.work.start();
    await this.restartLine();
  }

  async stop(): Promise<void> {
    await this.registration?.stop();
    this.registration = undefined;
    await this.sync.close();
    this.guidance.close();
    await this.work.shutdown();
    this.workStore.close();
    this.customers.close();
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): StateSnapshot {
    return {
      app: this.ports.app,
      line: this.line,
      settings: this.settingsView(),
      calls: this.calls,
      history: this.history.view(),
      health: this.health.view(),
      pops: this.customers.view(),
      customers: this.customers.status(),
      sync: this.syncStatus,
      guidance: this.guidance.views(),
      scripts: this.scriptsStatus,
      agent: this.work.agentState(),
      wrapUps: this.work.wrapUpViews(),
      callbacks: this.work.callbacksView(),
      declined: this.work.declinedCalls(),
      outbound: this.work.outboundLists(),
      dialLink: this.dialLink,
      practice: this.practice.view(this.practiceActive()),
    };
  }

  private practiceActive(): boolean {
    return this.ports.practice?.active === true;
  }

  private emitPractice(): void {
    this.emit({ type: 'practice', practice: this.practice.view(this.practiceActive()) });
  }

  /** Into or out of practice: never with a call up, never against IT's lock; the host restarts the desk. */
  private async switchPractice(enabled: boolean): Promise<CommandResult> {
    if (!this.ports.practice) return { ok: false, error: { code: 'invalid', message: 'practice-unavailable' } };
    if (enabled === this.ports.practice.active) return { ok: true };
    if (this.settings.view().locked.includes('practice.enabled'))
      return { ok: false, error: { code: 'locked', message: 'practice-locked' } };
    if (this.calls.some((call) => call.state !== 'ended') || this.work.wrapUpViews().length > 0)
      return { ok: false, error: { code: 'invalid', message: 'practice-busy' } };
    return this.ports.practice.switchTo(enabled);
  }

  /**
   * A click-to-dial link from another program: read as strictly as a number the agent types, then
   * put before the agent to confirm (a web page could otherwise make the desk call anyone), or
   * dialled at once where the setting says so. A newer link replaces one still waiting.
   */
  private async openLink(link: string): Promise<CommandResult> {
    const checked = checkedLinkTarget(link, {
      domain: this.settings.values.sip.domain,
      defaultRegion: this.settings.values.phone.defaultRegion,
    });
    this.ports.logger.info({ usable: Boolean(checked) }, 'dial link received');
    if (!checked) {
      this.setDialLink({ kind: 'unusable', link: link.slice(0, 200), at: Date.now() });
      return { ok: false, error: { code: 'invalid', message: 'link-unusable' } };
    }
    if (!this.settings.values.calls.confirmLinks) return this.phone.dial(checked.target);
    this.setDialLink({ kind: 'confirm', ...checked, at: Date.now() });
    return { ok: true };
  }

  private setDialLink(prompt: DialLinkPrompt | null): void {
    this.dialLink = prompt;
    this.emit({ type: 'dialLink', dialLink: prompt });
  }

  /** A window's media engine went away (closed, reloaded, crashed). */
  detachMedia(channel: MediaChannel): void {
    this.media.detach(channel);
  }

  /** Carries out one command; `origin` is the connection it came from (a window's media engine). */
  async dispatch(command: Command, origin?: MediaChannel): Promise<CommandResult> {
    switch (command.type) {
      case 'media.attach':
        if (!origin) return { ok: false, error: { code: 'invalid', message: 'no media channel on this connection' } };
        this.media.attach(origin);
        return { ok: true };
      case 'call.dial':
        return this.phone.dial(command.target);
      case 'link.open':
        return this.openLink(command.link);
      case 'link.answer': {
        const prompt = this.dialLink;
        this.setDialLink(null);
        if (!command.call || prompt?.kind !== 'confirm') return { ok: true };
        return this.phone.dial(prompt.target);
      }
      case 'call.answer':
        return this.phone.answer(command.callId);
      case 'call.decline':
        return this.phone.decline(command.callId);
      case 'call.hangup':
        return this.phone.hangup(command.callId);
      case 'call.hold':
        return this.phone.hold(command.callId, command.hold);
      case 'call.mute':
        return this.phone.mute(command.callId, command.muted);
      case 'call.dtmf':
        return this.phone.dtmf(command.callId, command.tones, this.settings.values.calls.dtmfMethod);
      case 'call.transfer':
        return this.phone.transfer(command.callId, command.target);
      case 'call.consult':
        return this.phone.consult(command.callId, command.target);
      case 'call.completeTransfer':
        return this.phone.completeTransfer(command.callId);
      case 'call.abandonTransfer':
        return this.phone.abandonTransfer(command.callId);
      case 'call.note':
        return this.phone.note(command.callId, command.note);
      case 'media.stats':
        return this.phone.stats(command.samples);
      case 'host.event':
        this.ports.logger.info({ event: command.event }, 'host event');
        // Suspend: nothing to do before sleeping; the checks come on the way back.
        if (command.event !== 'suspend' && command.event !== 'offline') this.registration?.checkNow();
        return { ok: true };
      case 'diagnostics.create':
        return this.createDiagnostics();
      case 'practice.set':
        return this.switchPractice(command.enabled);
      case 'history.seen':
        this.history.markSeen(Date.now());
        this.emit({ type: 'history', history: this.history.view() });
        return { ok: true };
      case 'customers.search':
      case 'customers.card':
      case 'pop.link':
      case 'customers.create':
      case 'customers.update':
      case 'customers.import':
        return this.customers.dispatch(command);
      case 'guidance.phase':
      case 'guidance.step':
      case 'guidance.tick':
      case 'guidance.procedure':
      case 'guidance.notes':
      case 'guidance.notNow':
      case 'knowledge.search':
      case 'knowledge.use':
        return this.guidance.dispatch(command as GuidanceCommand);
      case 'agent.state':
      case 'wrapup.draft':
      case 'wrapup.submit':
      case 'callback.create':
      case 'callback.dial':
      case 'callback.update':
      case 'figures.get':
      case 'figures.csv':
      case 'outbound.import':
      case 'outbound.next':
      case 'outbound.outcome':
      case 'outbound.remove':
        return this.work.dispatch(command as WorkCommand);
      case 'sync.now':
        return this.sync.syncNow()
          ? { ok: true }
          : { ok: false, error: { code: 'invalid', message: 'sync-off', issues: syncIssue(this.syncStatus) } };
      case 'sync.resolve':
        try {
          await this.sync.resolve(command.mutationId, command.choice);
          return { ok: true };
        } catch (error) {
          return {
            ok: false,
            error: {
              code: 'invalid',
              message: 'sync-decision',
              issues: [{ path: '', message: (error as Error).message }],
            },
          };
        }
      case 'state.get':
        return { ok: true, value: this.snapshot() };
      case 'settings.update':
        return this.updateSettings(command.changes, command.sipPassword, command.crmToken);
      case 'line.connect':
        this.offlineByChoice = false;
        if (this.registration) this.registration.retryNow();
        else await this.restartLine();
        return { ok: true };
      case 'line.disconnect':
        this.offlineByChoice = true;
        await this.restartLine();
        return { ok: true };
    }
  }

  private async createDiagnostics(): Promise<CommandResult> {
    try {
      const { file, bytes } = await writeDiagnosticsBundle({
        dir: path.join(this.ports.dataDir, 'diagnostics'),
        app: this.ports.app,
        settings: this.settings.values,
        lineHealth: { line: this.line, health: this.health.view() },
        calls: this.history.view().calls,
        logFile: this.ports.logFile,
        trace: this.trace,
      });
      this.ports.logger.info({ bytes }, 'diagnostics bundle written');
      return { ok: true, value: { file } };
    } catch (error) {
      this.ports.logger.error({ err: error }, 'the diagnostics bundle could not be written');
      return { ok: false, error: { code: 'internal', message: 'diagnostics-failed' } };
    }
  }

  private settingsView(): SettingsView {
    return {
      ...this.settings.view(),
      hasSipPassword: this.hasSipPassword,
      hasCrmToken: this.hasCrmToken,
      hotkeyProblems: this.hotkeyProblems,
    };
  }

  /** A yes/no setting IT's policy sets to true and locks (an agent cannot give it themselves). */
  policyAllows(key: 'desktop.allowWeakKeyring'): boolean {
    return this.settings.values.desktop.allowWeakKeyring && this.settings.view().locked.includes(key);
  }

  /** Settings as they are now (for the host: its hotkeys, tray, login item). */
  settingsValues(): Settings {
    return this.settings.values;
  }

  /** The desktop host could not take some of its global hotkeys: shown in the settings screen. */
  setHotkeyProblems(problems: SettingsView['hotkeyProblems']): void {
    if (JSON.stringify(problems) === JSON.stringify(this.hotkeyProblems)) return;
    this.hotkeyProblems = problems;
    this.emit({ type: 'settings', settings: this.settingsView() });
  }

  private emit(event: CoreEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.ports.logger.error({ err: error }, 'event listener failed');
      }
    }
  }

  private setLine(line: LineState): void {
    this.line = line;
    this.emit({ type: 'line', line });
    if (this.health.observe(line)) this.emit({ type: 'health', health: this.health.view() });
  }

  private async updateSettings(
    changes: unknown,
    sipPassword: string | undefined,
    crmToken?: string,
  ): Promise<CommandResult> {
    const before = JSON.stringify(this.settings.values.sip);
    // The password first: if it cannot be kept safely, nothing is changed and the agent is told why.
    if (sipPassword !== undefined && sipPassword !== '') {
      try {
        await this.ports.secrets.set('sip.password', sipPassword);
      } catch (error) {
        if (!(error instanceof SecretStoreUnavailableError)) throw error;
        this.ports.logger.warn({ reason: error.reason }, 'the SIP password could not be stored');
        return { ok: false, error: { code: 'secrets-unavailable', message: error.message } };
      }
      this.hasSipPassword = true;
    }
    if (crmToken !== undefined) {
      try {
        if (crmToken === '') await this.ports.secrets.delete('crm.token');
        else await this.ports.secrets.set('crm.token', crmToken);
      } catch (error) {
        if (!(error instanceof SecretStoreUnavailableError)) throw error;
        this.ports.logger.warn({ reason: error.reason }, 'the CRM token could not be stored');
        return { ok: false, error: { code: 'secrets-unavailable', message: error.message } };
      }
      this.hasCrmToken = crmToken !== '';
    }
    const folderBefore = this.settings.values.guidance.scriptsFolder;
    const syncBefore = JSON.stringify([this.settings.values.crm, this.settings.values.phone.defaultRegion]);
    const result = this.settings.update(changes);
    if (!result.ok) return result;
    this.emit({ type: 'settings', settings: this.settingsView() });
    if (folderBefore !== this.settings.values.guidance.scriptsFolder) this.scripts.reload();
    this.work.settingsChanged();
    if (
      crmToken !== undefined ||
      syncBefore !== JSON.stringify([this.settings.values.crm, this.settings.values.phone.defaultRegion])
    ) {
      await this.configureSync();
    }
    if (before !== JSON.stringify(this.settings.values.sip) || sipPassword) {
      this.offlineByChoice = false;
      await this.restartLine();
    }
    return { ok: true, value: this.settingsView() };
  }

  /** Starts, restarts or stops the CRM sync for the current settings and token. */
  private async configureSync(): Promise<void> {
    const token = await this.ports.secrets.get('crm.token');
    this.hasCrmToken = Boolean(token);
    const url = this.settings.values.crm.url;
    if (this.practiceActive() && url && !isLoopbackUrl(url)) {
      // Practice calls never reach a real CRM: in practice only a CRM on this computer is synced.
      this.ports.logger.warn('practice mode: the CRM is not on this computer, so the desk does not sync with it');
      await this.sync.configure({
        url: '',
        token: undefined,
        region: this.settings.values.phone.defaultRegion,
        pullIntervalSeconds: this.settings.values.crm.pullIntervalSeconds,
      });
      this.syncStatus = {
        ...SYNC_OFF,
        error: {
          code: 'practice-crm',
          message: 'In practice mode the desk only syncs with a practice CRM on this computer.',
        },
      };
      this.emit({ type: 'sync', sync: this.syncStatus });
      return;
    }
    await this.sync.configure({
      url,
      token,
      region: this.settings.values.phone.defaultRegion,
      pullIntervalSeconds: this.settings.values.crm.pullIntervalSeconds,
    });
  }

  /** (Re)creates the registration from the current settings and password. */
  private async restartLine(): Promise<void> {
    const previous = this.registration;
    this.registration = undefined;
    await previous?.stop();
    if (this.offlineByChoice) return this.setLine({ status: 'unregistered' });

    const sip = this.settings.values.sip;
    const missing = missingAccountFields(this.settings.values);
    if (missing.length > 0) {
      return this.setLine({ status: 'failed', reason: 'not-configured', detail: missing.join(', '), attempt: 0 });
    }
    const password = await this.ports.secrets.get('sip.password');
    if (!password) {
      return this.setLine({ status: 'failed', reason: 'missing-password', server: sip.wsUrl, attempt: 0 });
    }
    const registration = new Registration(
      { ...sip, password },
      {
        ...this.ports.registration,
        onInvite: (invitation) => this.phone.receive(invitation),
        sessionDescriptionHandlerFactory: this.phone.sessionDescriptionHandlerFactory,
        onUserAgent: (ua) => this.phone.attach(ua),
        onFlowRestored: () => this.phone.transportRestored(),
        onSipLog: (category, content) => this.trace.fromLogContent(category, content),
        callsInProgress: () => this.calls.some((call) => call.state !== 'ended'),
        logger: this.ports.logger.child({ part: 'registration' }),
        userAgentString: `${this.ports.app.name.replace(/\s+/g, '')}/${this.ports.app.version}`,
      },
    );
    this.registration = registration;
    registration.onState((line) => {
      if (this.registration !== registration) return;
      if (line.status === 'failed') this.phone.transportLost();
      this.setLine(line);
    });
    registration.start();
  }
}

/** Why "Sync now" cannot run, for the agent. */
function syncIssue(status: SyncStatus): { path: string; message: string }[] {
  return [{ path: '', message: status.error?.message ?? 'No CRM is set up: enter its address and token in Settings.' }];
}
