import {
  Registerer,
  SIPExtension,
  RegistererState,
  UserAgent,
  type Invitation,
  type SessionDescriptionHandlerFactory,
} from 'sip.js';
import type { LineState } from '../contract/line.js';
import type { Logger } from '../log/logger.js';
import { DEFAULT_BACKOFF, retryDelay, type BackoffPolicy } from './backoff.js';
import {
  classifyRegisterResponse,
  classifyTransportError,
  needsNewSettings,
  retryAfterMs,
  type LineFailure,
} from './failure.js';
import {
  DEFAULT_KEEPALIVE,
  installNodeWebSocket,
  probeOpenConnections,
  takeSocketError,
  type KeepaliveOptions,
} from './websocket.js';

export interface SipAccount {
  wsUrl: string;
  /** A second server to fail over to when the first keeps failing; empty for none. */
  wsUrlSecondary?: string;
  user: string;
  authUser?: string;
  domain: string;
  displayName?: string;
  password: string;
}

export interface RegistrationOptions {
  logger: Logger;
  backoff?: BackoffPolicy;
  /** How long to wait for the server to answer a REGISTER before calling it a timeout. */
  registerTimeoutMs?: number;
  expiresSeconds?: number;
  userAgentString?: string;
  random?: () => number;
  now?: () => number;
  /** Calls: who takes an incoming INVITE (without one, the line answers 480), and their media. */
  onInvite?: (invitation: Invitation) => void;
  sessionDescriptionHandlerFactory?: SessionDescriptionHandlerFactory;
  /** Told of the UserAgent calls can be placed on once registered, and of its loss (undefined). */
  onUserAgent?: (ua: UserAgent | undefined) => void;
  /**
   * The connection broke and a new one is registered on the same UserAgent: calls in progress
   * survived in sip.js and must move their dialogs onto the new flow (a re-INVITE).
   */
  onFlowRestored?: () => void;
  /** Whether calls are up: the line then never switches servers (the calls live on this one). */
  callsInProgress?: () => boolean;
  /** Every line sip.js logs, with its category: the SIP trace of the diagnostics bundle reads it. */
  onSipLog?: (category: string, content: string) => void;
  /** SIP WebSocket keepalive (RFC 6455 ping). */
  keepalive?: KeepaliveOptions;
  /** Consecutive failures on the primary server before trying the secondary (default 3). */
  failoverAfter?: number;
  /** How long to stay on the secondary before checking whether the primary is back (default 5 min). */
  primaryRecheckMs?: number;
  /** For the primary check: opens a WebSocket to the server and says whether it answered. */
  probeServer?: (server: string) => Promise<boolean>;
}

type Listener = (state: LineState) => void;

/**
 * The agent's line: one SIP account registered over WebSocket with sip.js. It reports its state in
 * the contract's terms, retries with backoff and jitter after failures that retrying can mend, and
 * unregisters cleanly when stopped.
 *
 * A broken connection is replaced on the same UserAgent (`reconnect()`), so that calls in progress
 * keep their dialogs; every attempt gets a fresh Registerer, since one can stick at "request
 * already in progress" after its transport broke. A new UserAgent is made only for another server
 * (failover to the secondary and back) or after `stop()`.
 */
export class Registration {
  private current: LineState = { status: 'unregistered' };
  private readonly listeners = new Set<Listener>();
  private ua: UserAgent | undefined;
  /** The server the current UserAgent talks to. */
  private uaServer: string | undefined;
  private registerer: Registerer | undefined;
  /** This UserAgent has been registered before: the next registration is a restored flow. */
  private everRegistered = false;
  private onSecondary = false;
  /** Failures in a row on the server in use, for the failover decision. */
  private serverFailures = 0;
  private primaryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  /** These failures began with the loss of a connection registered long enough for the quick retry. */
  private quickRetry = false;
  /** When the line last became registered (its own clock). */
  private registeredSince = 0;
  /** When the try that opened the current connection started: older socket errors are not its own. */
  private connectedSince = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  /** Bumped on every attempt and on stop, so that callbacks of an abandoned attempt do nothing. */
  private generation = 0;

  private readonly backoff: BackoffPolicy;
  private readonly registerTimeoutMs: number;
  private readonly expiresSeconds: number;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(
    private readonly account: SipAccount,
    private readonly options: RegistrationOptions,
  ) {
    installNodeWebSocket(options.keepalive ?? DEFAULT_KEEPALIVE);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.registerTimeoutMs = options.registerTimeoutMs ?? 10_000;
    this.expiresSeconds = options.expiresSeconds ?? 300;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  get state(): LineState {
    return this.current;
  }

  get aor(): string {
    return `sip:${this.account.user}@${this.account.domain}`;
  }

  onState(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts registering; keeps trying after failures until `stop()`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.failures = 0;
    void this.attempt();
  }

  /** Tries again now, e.g. when the agent presses "Connect" while a retry is pending. */
  retryNow(): void {
    if (!this.running) return this.start();
    if (this.current.status === 'registered' || this.current.status === 'registering') return;
    void this.attempt();
  }

  /**
   * The computer woke up or its network changed: a registered line checks its connection at once
   * (a dead one is replaced within seconds instead of at the next keepalive); a failed one retries now.
   */
  checkNow(): void {
    if (!this.running) return;
    if (this.current.status === 'failed') return this.retryNow();
    if (this.current.status === 'registered' && probeOpenConnections(3_000) === 0) void this.attempt();
  }

  /** Unregisters (waiting briefly for the server's answer) and closes the connection. */
  async stop(): Promise<void> {
    this.running = false;
    this.generation++;
    this.clearRetry();
    clearTimeout(this.primaryTimer);
    await this.teardown();
    this.setState({ status: 'unregistered' });
  }

  private get server(): string {
    return this.onSecondary && this.account.wsUrlSecondary ? this.account.wsUrlSecondary : this.account.wsUrl;
  }

  private setState(state: LineState): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /**
   * Closes the current UserAgent. Disposing a registered Registerer sends the REGISTER with
   * expires 0 and waits for its answer; we cap the whole at 3 s so that quitting never hangs.
   */
  private async teardown(): Promise<void> {
    const ua = this.ua;
    const registerer = this.registerer;
    this.ua = undefined;
    this.uaServer = undefined;
    this.registerer = undefined;
    this.everRegistered = false;
    if (!ua) return;
    this.options.onUserAgent?.(undefined);
    await withTimeout(
      (async () => {
        await registerer?.dispose().catch(() => undefined);
        await ua.stop().catch(() => undefined);
      })(),
      3_000,
    );
  }

  private async attempt(): Promise<void> {
    this.clearRetry();
    const generation = ++this.generation;
    const server = this.server;
    this.setState({ status: 'registering', server, attempt: this.failures });
    // The registration of a broken flow is dead; a fresh Registerer takes its place.
    const stale = this.registerer;
    this.registerer = undefined;
    void stale?.dispose().catch(() => undefined);
    if (this.ua && this.uaServer !== server) await this.teardown();
    if (generation !== this.generation) return;

    const startedAt = this.now();
    let ua = this.ua;
    try {
      if (ua) {
        // Same server: a new connection for the same UserAgent keeps the calls' dialogs.
        if (!ua.isConnected()) await ua.reconnect();
      } else {
        ua = this.createUserAgent(server, generation);
        if (!ua) return;
        this.ua = ua;
        this.uaServer = server;
        await ua.start();
      }
    } catch (error) {
      if (generation !== this.generation) return;
      this.fail(generation, classifyTransportError(takeSocketError(server, startedAt) ?? (error as Error), server));
      return;
    }
    if (generation !== this.generation) return;
    this.connectedSince = startedAt;
    await this.register(ua, server, generation);
  }

  private createUserAgent(server: string, generation: number): UserAgent | undefined {
    const uri = UserAgent.makeURI(`sip:${this.account.user}@${this.account.domain}`);
    if (!uri) {
      this.fail(generation, { reason: 'not-configured', server, detail: 'the SIP address is not valid' });
      return undefined;
    }
    const log = this.options.logger;
    const debug = log.isLevelEnabled('debug');
    const ua = new UserAgent({
      uri,
      displayName: this.account.displayName || undefined,
      authorizationUsername: this.account.authUser || this.account.user,
      authorizationPassword: this.account.password,
      // The trace goes to the (masked) diagnostics ring buffer; the log sees it only at debug level.
      transportOptions: { server, connectionTimeout: 8, traceSip: true },
      userAgentString: this.options.userAgentString ?? 'HeadsetSoftphone',
      logBuiltinEnabled: false,
      logLevel: 'debug',
      logConnector: (level, category, _label, content) => {
        this.options.onSipLog?.(category, content);
        const method = level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'debug';
        if (method !== 'debug' || debug) log[method]({ category }, content);
      },
      // We own reconnection (with backoff and a fresh Registerer), not sip.js.
      reconnectionAttempts: 0,
      // Attended transfers to us arrive as an INVITE with Replaces (RFC 3891).
      sipExtensionReplaces: SIPExtension.Supported,
      delegate: {
        onDisconnect: (error) => {
          if (ua !== this.ua || !error || !this.running) return;
          // Already failed, its next try planned (it reconnects): counting the close again would
          // overrule that plan, a server's Retry-After among it, and start a second retry timer.
          if (this.current.status === 'failed') return;
          const failure = classifyTransportError(takeSocketError(server, this.connectedSince) ?? error, server);
          // It was up: whatever the socket said, the agent's words are "the connection was lost".
          if (this.current.status === 'registered' && failure.reason === 'unreachable')
            failure.reason = 'connection-lost';
          this.fail(this.generation, failure);
        },
        onInvite: (invitation) => {
          if (this.options.onInvite) this.options.onInvite(invitation);
          else void invitation.reject({ statusCode: 480 }).catch(() => undefined);
        },
      },
      ...(this.options.sessionDescriptionHandlerFactory
        ? { sessionDescriptionHandlerFactory: this.options.sessionDescriptionHandlerFactory }
        : {}),
    });
    return ua;
  }

  private async register(ua: UserAgent, server: string, generation: number): Promise<void> {
    const registerer = new Registerer(ua, { expires: this.expiresSeconds, logConfiguration: false });
    this.registerer = registerer;
    const timeout = setTimeout(() => {
      if (generation !== this.generation || this.current.status === 'registered') return;
      this.fail(generation, {
        reason: 'timeout',
        server,
        detail: `no answer to REGISTER within ${this.registerTimeoutMs / 1000} s`,
      });
    }, this.registerTimeoutMs);

    registerer.stateChange.addListener((state) => {
      if (generation !== this.generation) return;
      if (state === RegistererState.Registered && this.current.status !== 'registered') {
        clearTimeout(timeout);
        this.failures = 0;
        this.quickRetry = false;
        this.registeredSince = this.now();
        this.serverFailures = 0;
        const restored = this.everRegistered;
        this.everRegistered = true;
        this.options.onUserAgent?.(ua);
        if (restored) this.options.onFlowRestored?.();
        if (this.onSecondary) this.schedulePrimaryCheck();
        this.setState({
          status: 'registered',
          server,
          aor: this.aor,
          since: this.registeredSince,
          expiresInSeconds: this.grantedExpires ?? this.expiresSeconds,
        });
      } else if (state === RegistererState.Unregistered && this.current.status === 'registered' && this.running) {
        // The registration lapsed (a refresh was refused or went unanswered).
        this.fail(generation, { reason: 'rejected', server, detail: 'the registration lapsed' });
      }
    });

    try {
      await registerer.register({
        requestDelegate: {
          onAccept: (response) => {
            this.grantedExpires = grantedExpires(
              response.message.getHeader('expires'),
              response.message.getHeaders('contact'),
            );
          },
          onReject: (response) => {
            clearTimeout(timeout);
            if (generation !== this.generation) return;
            const { statusCode, reasonPhrase } = response.message;
            this.fail(
              generation,
              classifyRegisterResponse(statusCode ?? 0, reasonPhrase ?? '', server),
              // A server that says when to come back (503 with Retry-After) is taken at its word.
              retryAfterMs(response.message.getHeader('retry-after')),
            );
          },
        },
      });
    } catch (error) {
      clearTimeout(timeout);
      if (generation !== this.generation) return;
      this.fail(generation, classifyTransportError(error as Error, server));
    }
  }

  private grantedExpires: number | undefined;

  private fail(generation: number, failure: LineFailure, notBeforeMs?: number): void {
    if (generation !== this.generation || !this.running) return;
    // A registered connection that broke after a while: most likely a blip, worth a quick retry.
    const afterUpMs = this.backoff.quickRetryAfterLoss?.afterUpMs;
    if (this.failures === 0)
      this.quickRetry =
        this.current.status === 'registered' &&
        afterUpMs !== undefined &&
        this.now() - this.registeredSince >= afterUpMs;
    this.failures++;
    this.serverFailures++;
    this.generation++;
    const retry = !needsNewSettings(failure);
    const delay = retry
      ? Math.max(retryDelay(this.failures, this.quickRetry, this.backoff, this.random), notBeforeMs ?? 0)
      : undefined;
    this.options.logger.warn(
      { reason: failure.reason, code: failure.code, attempt: this.failures, retryInMs: delay },
      'line registration failed',
    );
    this.setState({
      status: 'failed',
      ...failure,
      attempt: this.failures,
      retryAt: delay === undefined ? undefined : this.now() + delay,
    });
    this.options.onUserAgent?.(undefined);
    if (delay === undefined) return;
    // Keep failing on one server, and no call would be lost by leaving it: try the other one.
    const calls = this.options.callsInProgress?.() ?? false;
    if (this.account.wsUrlSecondary && !calls && this.serverFailures >= (this.options.failoverAfter ?? 3)) {
      this.onSecondary = !this.onSecondary;
      this.serverFailures = 0;
      this.options.logger.warn({ server: this.server }, 'switching to the other phone server');
    }
    this.retryTimer = setTimeout(() => {
      if (this.running) void this.attempt();
    }, delay);
  }

  /** On the secondary, look now and then whether the primary answers again, and go back when calm. */
  private schedulePrimaryCheck(): void {
    clearTimeout(this.primaryTimer);
    this.primaryTimer = setTimeout(
      () => {
        void (async () => {
          if (!this.running || !this.onSecondary) return;
          const back = await (this.options.probeServer ?? probeWebSocket)(this.account.wsUrl);
          if (!this.running || !this.onSecondary) return;
          if (!back || this.options.callsInProgress?.()) return this.schedulePrimaryCheck();
          this.options.logger.info('the primary phone server answers again: going back to it');
          this.onSecondary = false;
          this.serverFailures = 0;
          void this.attempt();
        })();
      },
      this.options.primaryRecheckMs ?? 5 * 60_000,
    );
  }
}

/** Whether a SIP WebSocket server accepts a connection now (closed again at once). */
export function probeWebSocket(server: string): Promise<boolean> {
  return new Promise((resolve) => {
    const Socket = (globalThis as unknown as { WebSocket: new (url: string, protocol: string) => WebSocket }).WebSocket;
    let socket: WebSocket;
    try {
      socket = new Socket(server, 'sip');
    } catch {
      return resolve(false);
    }
    const timer = setTimeout(() => finish(false), 5_000);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.onopen = socket.onerror = socket.onclose = null;
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve(ok);
    };
    socket.onopen = () => finish(true);
    socket.onerror = () => finish(false);
    socket.onclose = () => finish(false);
  });
}

function grantedExpires(expiresHeader: string | undefined, contacts: string[]): number | undefined {
  for (const contact of contacts) {
    const match = /;\s*expires=(\d+)/i.exec(contact);
    if (match) return Number(match[1]);
  }
  return expiresHeader && /^\d+$/.test(expiresHeader.trim()) ? Number(expiresHeader) : undefined;
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
