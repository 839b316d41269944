import { useEffect, useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { Callback } from '../../../../src/contract/index.js';
import { useSoftphone } from '../../state/store.js';
import { timeOfDay } from './workText.js';
import { useWrapUpSaved } from './wrapUpTracking.js';

const SHOWN_DECLINED = 5;

/** Calls the desk refused while the agent was not available: who, when, and in which state. */
function DeclinedCalls() {
  const { t, i18n } = useTranslation();
  const declined = useSoftphone((s) => s.declined);
  // Dismissed up to this time: a call declined later shows the notice again.
  const [dismissedUpTo, setDismissedUpTo] = useState(0);
  const shown = declined.filter((call) => call.at > dismissedUpTo).slice(0, SHOWN_DECLINED);
  if (shown.length === 0) return null;
  return (
    <section className="desk-notice declined" aria-label={t('declined.title')}>
      <h2 className="desk-notice__title">{t('declined.title')}</h2>
      <ul className="declined__list">
        {shown.map((call) => (
          <li key={`${call.at}-${call.number}`}>
            {t(call.displayName ? 'declined.itemNamed' : 'declined.item', {
              time: timeOfDay(call.at, i18n.language),
              number: call.number,
              name: call.displayName,
              state:
                call.state === 'not-ready' && call.reason
                  ? `${t('declined.while.not-ready')} · ${t(`agent.reason.${call.reason}`, { defaultValue: call.reason })}`
                  : t(`declined.while.${call.state}`),
            })}
          </li>
        ))}
      </ul>
      <Button
        className="button button--small"
        onPress={() => setDismissedUpTo(Math.max(...declined.map((call) => call.at)))}
      >
        {t('declined.dismiss')}
      </Button>
    </section>
  );
}

/** One OS notification per callback, for the whole session. */
const notified = new Set<string>();
let askedPermission = false;

function notify(callback: Callback, title: string, body: string) {
  if (typeof Notification === 'undefined' || notified.has(callback.id)) return;
  const show = () => {
    if (Notification.permission !== 'granted' || notified.has(callback.id)) return;
    notified.add(callback.id);
    try {
      const notification = new Notification(title, { body, tag: `callback-${callback.id}` });
      notification.onclick = () => {
        window.focus();
        notification.close();
      };
    } catch {
      // Some hosts only allow notifications from a service worker: the in-app alert is enough.
    }
  };
  if (Notification.permission === 'default' && !askedPermission) {
    askedPermission = true;
    void Notification.requestPermission().then(show, () => undefined);
  } else show();
}

/** The callbacks whose time has come: an alert in the desk and a notification from the OS. */
function CallbackReminders() {
  const { t, i18n } = useTranslation();
  const callbacks = useSoftphone((s) => s.callbacks);
  const send = useSoftphone((s) => s.send);
  const [hidden, setHidden] = useState<{ on: string; ids: string[] }>({ on: '', ids: [] });
  const [error, setError] = useState<string>();
  // "Later" holds until the list of reminders changes.
  const list = callbacks.reminding.join('\n');
  const later = hidden.on === list ? hidden.ids : [];
  const reminding = callbacks.reminding
    .map((id) => callbacks.open.find((callback) => callback.id === id))
    .filter((callback): callback is Callback => callback !== undefined);

  const text = (callback: Callback) =>
    t(callback.customerName ? 'callbacks.reminderNamed' : 'callbacks.reminder', {
      time: timeOfDay(callback.dueAt, i18n.language),
      name: callback.customerName,
      number: callback.number,
    });

  useEffect(() => {
    for (const callback of reminding) notify(callback, t('callbacks.reminderTitle'), text(callback));
  });

  const shown = reminding.filter((callback) => !later.includes(callback.id));
  if (shown.length === 0) return null;
  return (
    <>
      {shown.map((callback) => (
        <div key={callback.id} role="alert" aria-label={t('callbacks.reminderTitle')} className="desk-notice reminder">
          <span className="reminder__text">{text(callback)}</span>
          {callback.note && <span className="reminder__note">{callback.note}</span>}
          <span className="notice__actions">
            <Button
              className="button button--small button--answer"
              onPress={() =>
                void send({ type: 'callback.dial', id: callback.id }).then((result) =>
                  setError(result.ok ? undefined : t('callbacks.failed', { message: result.error.message })),
                )
              }
            >
              {t('callbacks.callNow')}
            </Button>
            <Button
              className="button button--small"
              onPress={() => setHidden({ on: list, ids: [...later, callback.id] })}
            >
              {t('callbacks.later')}
            </Button>
          </span>
        </div>
      ))}
      {error && (
        <p role="alert" className="field__error">
          {error}
        </p>
      )}
    </>
  );
}

/** For a few seconds after a wrap-up was saved and left the desk. */
function WrapUpSaved() {
  const { t } = useTranslation();
  const saved = useWrapUpSaved();
  return (
    <p role="status" className={saved ? 'desk-notice wrapup-saved' : 'visually-hidden'}>
      {saved ? t('wrapup.savedNotice', { who: saved.who }) : ''}
    </p>
  );
}

/** What the desk tells the agent above the calls: callbacks due, calls declined, a wrap-up saved. */
export function DeskNotices() {
  return (
    <div className="desk-notices">
      <CallbackReminders />
      <DeclinedCalls />
      <WrapUpSaved />
    </div>
  );
}
