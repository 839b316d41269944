/** The longest wait a PBX may ask for before we answer by ourselves. */
const MAX_DELAY_SECONDS = 60;

/**
 * Whether the PBX asks us to answer this call by ourselves, and after how many seconds: the
 * de facto headers of intercom and "auto-answer" queues. `Call-Info: <uri>;answer-after=N`
 * (draft-ietf-bliss-call-info / Polycom, Yealink, Asterisk's PJSIP) and `Alert-Info` with
 * `info=alert-autoanswer` (Polycom/BroadWorks), `auto-answer` or `intercom`. Undefined when not.
 */
export function autoAnswerDelay(headers: { callInfo: string[]; alertInfo: string[] }): number | undefined {
  for (const value of headers.callInfo) {
    const match = /;\s*answer-after\s*=\s*"?(\d+(?:\.\d+)?)/i.exec(value);
    if (match) return Math.min(MAX_DELAY_SECONDS, Number(match[1]));
  }
  for (const value of headers.alertInfo) {
    if (/info\s*=\s*"?alert-autoanswer|auto-?answer|intercom/i.test(value)) {
      const delay = /;\s*delay\s*=\s*"?(\d+)/i.exec(value);
      return delay ? Math.min(MAX_DELAY_SECONDS, Number(delay[1])) : 0;
    }
  }
  return undefined;
}
