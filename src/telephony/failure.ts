import type { LineState } from '../contract/line.js';

export type LineFailure = Omit<Extract<LineState, { status: 'failed' }>, 'status' | 'attempt' | 'retryAt'>;

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** Why the WebSocket to the server could not be opened or was lost. */
export function classifyTransportError(error: Error | undefined, server: string): LineFailure {
  if (error?.name === 'KeepaliveTimeoutError') return { reason: 'connection-lost', server, detail: error.message };
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const message = error?.message ?? '';
  if (TLS_CODES.has(code) || /certificate|ssl|tls/i.test(message)) {
    return { reason: 'tls', server, detail: code || message };
  }
  if (/timed out|ETIMEDOUT|timeout/i.test(`${code} ${message}`)) {
    return { reason: 'timeout', server, detail: code || message };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return { reason: 'unreachable', server, detail: 'server name not found' };
  }
  const unexpected = /Unexpected server response: (\d+)/.exec(message);
  if (unexpected) {
    return {
      reason: 'rejected',
      server,
      code: Number(unexpected[1]),
      detail: 'the server refused the WebSocket connection',
    };
  }
  return { reason: 'unreachable', server, detail: code || message || undefined };
}

/** Why the server refused the REGISTER, from its final response. */
export function classifyRegisterResponse(statusCode: number, phrase: string, server: string): LineFailure {
  const base = { server, code: statusCode, phrase };
  if (statusCode === 401 || statusCode === 403 || statusCode === 407) return { reason: 'wrong-credentials', ...base };
  if (statusCode === 404) return { reason: 'unknown-user', ...base };
  if (statusCode === 408 || statusCode === 504) return { reason: 'timeout', ...base };
  if (statusCode === 502 || statusCode === 503) return { reason: 'unreachable', ...base };
  if (statusCode === 500 || statusCode === 480) return { reason: 'unreachable', ...base };
  return { reason: 'rejected', ...base };
}

/** Failures that retrying cannot mend: the agent or IT must change the settings first. */
export function needsNewSettings(failure: LineFailure): boolean {
  return (
    failure.reason === 'wrong-credentials' ||
    failure.reason === 'unknown-user' ||
    failure.reason === 'not-configured' ||
    failure.reason === 'missing-password'
  );
}

/** A server's Retry-After (RFC 3261 §20.33): seconds, with an optional comment and duration. */
export function retryAfterMs(header: string | undefined): number | undefined {
  const seconds = /^\s*(\d+)/.exec(header ?? '')?.[1];
  return seconds === undefined ? undefined : Math.min(Number(seconds), 3600) * 1000;
}
