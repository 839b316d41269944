import {
  Registerer,
  SIPExtension,
  RegistererState,
  UserAgent,
  type Invitation,
  type LogLevel,
  type SessionDescriptionHandlerFactory,
} from 'sip.js';
import type { LineState } from '../contract/line.js';
import type { Logger } from '../log/logger.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { classifyRegisterResponse, classifyTransportError, needsNewSettings, type LineFailure } from './failure.js';
import { installNodeWebSocket, takeSocketError } from './websocket.js';

export interface SipAccount {
  wsUrl: string;
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
}

type Listener = (state: LineState) => void;

/**
 * The agent's line: one SIP account registered over WebSocket with sip.js. It reports its state in
 * the contract's terms, retries with backoff and jitter after failures that retrying can mend, and
 * unregisters cleanly when stopped. Every attempt builds a fresh UserAgent and Registerer, since a
 * Registerer can stick at "request already in progress" after its transport broke.
 */
export class Registration {
  private current: LineState = { status: 'unregistered' };
  private readonly listeners = new Set<Listener>();
  private ua: UserAgent | undefined;
  private registerer: Registerer | undefined;
  private failures = 0;
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
    installNodeWebSocket();
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

  /** Unregisters (waiting briefly for the server's answer) and closes the connection. */
  async stop(): Promise<void> {
    this.running = false;
    this.generation++;
    this.clearRetry();
    await this.teardown();
    this.setState({ status: 'unregistered' });
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
    this.registerer = undefined;
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
    const server = this.account.wsUrl;
    this.setState({ status: 'registering', server, attempt: this.failures });
    await this.teardown();
    if (generation !== this.generation) return;

    const startedAt = this.now();
    const uri = UserAgent.makeURI(`sip:${this.account.user}@${this.account.domain}`);
    if (!uri) {
      this.fail(generation, { reason: 'not-configured', server, detail: 'the SIP address is not valid' });
      return;
    }
    const log = this.options.logger;
    const ua = new UserAgent({
      uri,
      displayName: this.account.displayName || undefined,
      authorizationUsername: this.account.authUser || this.account.user,
      authorizationPassword: this.account.password,
      transportOptions: { server, connectionTimeout: 8, traceSip: log.isLevelEnabled('debug') },
      userAgentString: this.options.userAgentString ?? 'HeadsetSoftphone',
      logBuiltinEnabled: false,
      logLevel: (log.isLevelEnabled('debug') ? 'debug' : 'warn') as LogLevel,
      logConnector: (level, category, _label, content) => {
        const method = level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'debug';
        log[method]({ category }, content);
      },
      // We own reconnection (with backoff and a fresh Registerer), not sip.js.
      reconnectionAttempts: 0,
      // Attended transfers to us arrive as an INVITE with Replaces (RFC 3891).
      sipExtensionReplaces: SIPExtension.Supported,
      delegate: {
        onDisconnect: (error) => {
          if (generation !== this.generation || !error) return;
          this.fail(generation, classifyTransportError(takeSocketError(server, startedAt) ?? error, server));
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
    this.ua = ua;

    try {
      await ua.start();
    } catch (error) {
      if (generation !== this.generation) return;
      this.fail(generation, classifyTransportError(takeSocketError(server, startedAt) ?? (error as Error), server));
      return;
    }
    if (generation !== this.generation) return;

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
        this.options.onUserAgent?.(ua);
        this.setState({
          status: 'registered',
          server,
          aor: this.aor,
          since: this.now(),
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
            this.fail(generation, classifyRegisterResponse(statusCode ?? 0, reasonPhrase ?? '', server));
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

  private fail(generation: number, failure: LineFailure): void {
    if (generation !== this.generation || !this.running) return;
    this.failures++;
    this.generation++;
    const retry = !needsNewSettings(failure);
    const delay = retry ? backoffDelay(this.failures, this.backoff, this.random) : undefined;
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
    void this.teardown();
    if (delay !== undefined) {
      this.retryTimer = setTimeout(() => {
        if (this.running) void this.attempt();
      }, delay);
    }
  }
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
