import type { TFunction, i18n as I18n } from 'i18next';
import type { AgentStateName, Callback, WrapUpView } from '../../../../src/contract/index.js';

/** Time spent in something: "04:07" under an hour, "1:05" (hours and minutes) from then on. */
export function elapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 3600)
    return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
  return `${Math.floor(seconds / 3600)}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}`;
}

/** A Not-ready reason in the agent's language when the interface knows it ("training"), else as configured. */
export function reasonText(reason: string, t: TFunction, i18n: I18n): string {
  const key = `agent.reason.${reason}`;
  return i18n.exists(key) ? t(key) : reason;
}

/** "Available", "Not ready · Training", … */
export function agentStateText(state: AgentStateName, reason: string | undefined, t: TFunction, i18n: I18n): string {
  const name = t(`agent.state.${state}`);
  return state === 'not-ready' && reason ? `${name} · ${reasonText(reason, t, i18n)}` : name;
}

/** A time of day in the agent's language ("14:30"), in a given time zone when there is one. */
export function timeOfDay(epoch: number, language: string, timeZone?: string, seconds = false): string {
  const options: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', timeZone };
  if (seconds) options.second = '2-digit';
  try {
    return new Intl.DateTimeFormat(language, options).format(epoch);
  } catch {
    // An unknown time zone: the agent's own time is still worth showing.
    return new Intl.DateTimeFormat(language, { ...options, timeZone: undefined }).format(epoch);
  }
}

/** "today 14:30", "tomorrow 09:00", or "Fri 28 Nov 14:30" further away, in the agent's time. */
export function dueText(epoch: number, now: number, language: string, t: TFunction): string {
  const day = (at: number) => new Date(at).toDateString();
  const time = timeOfDay(epoch, language);
  if (day(epoch) === day(now)) return t('callbacks.today', { time });
  if (day(epoch) === day(now + 86_400_000)) return t('callbacks.tomorrow', { time });
  const date = new Intl.DateTimeFormat(language, { weekday: 'short', day: 'numeric', month: 'short' }).format(epoch);
  return `${date} ${time}`;
}

/** The customer's local time, when their time zone is known and differs from the agent's. */
export function customerTime(callback: Callback, language: string, t: TFunction): string | undefined {
  if (!callback.timeZone) return undefined;
  const theirs = timeOfDay(callback.dueAt, language, callback.timeZone);
  if (theirs === timeOfDay(callback.dueAt, language)) return undefined;
  return t('callbacks.theirTime', { time: theirs, zone: callback.timeZone });
}

/** Who a wrap-up is about: the customer's name, else the caller's, else the number. */
export function wrapUpWho(view: WrapUpView): string {
  return view.customerName ?? view.displayName ?? view.number;
}

/** Who a callback is for. */
export function callbackWho(callback: Callback): string {
  return callback.customerName ?? callback.number;
}

/** A local date ("2026-11-26") and time ("14:30") for date and time inputs. */
export function localInputs(epoch: number): { date: string; time: string } {
  const at = new Date(epoch);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`,
    time: `${pad(at.getHours())}:${pad(at.getMinutes())}`,
  };
}
