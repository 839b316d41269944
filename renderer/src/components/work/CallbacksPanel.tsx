import { useId, useState, type FormEvent } from 'react';
import { Button, Input, Label, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { localDateTime, type Callback, type Command } from '../../../../src/contract/index.js';
import { useNow } from '../../hooks/useNow.js';
import { useSoftphone } from '../../state/store.js';
import { ConfirmButton } from '../ConfirmDialog.js';
import { callbackWho, customerTime, dueText, localInputs } from './workText.js';

/** How many callbacks are due now (their time has come), for the status bar's badge. */
export function useDueCallbacks(): number {
  const open = useSoftphone((s) => s.callbacks.open);
  const now = useNow(open.length > 0, 15_000);
  return open.filter((callback) => callback.dueAt <= now).length;
}

/** The status bar's way to the callbacks, with how many are due. */
export function CallbacksButton({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  const { t } = useTranslation();
  const due = useDueCallbacks();
  return (
    <Button className="button button--quiet callbacks-button" aria-expanded={open} onPress={onToggle}>
      {t('callbacks.title')}
      {due > 0 && (
        <>
          {' '}
          <span className="badge" aria-hidden="true">
            {due}
          </span>
          <span className="visually-hidden">{t('callbacks.dueCount', { count: due })}</span>
        </>
      )}
    </Button>
  );
}

/** A new date and time for a callback, in the agent's local time. */
function Reschedule({
  callback,
  onSave,
  onClose,
}: {
  callback: Callback;
  onSave: (dueAt: number) => Promise<boolean>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  // From the time it was due, or an hour from now when that has passed.
  const [start] = useState(() => localInputs(Math.max(callback.dueAt, Date.now() + 60 * 60_000)));
  const [date, setDate] = useState(start.date);
  const [time, setTime] = useState(start.time);
  const [error, setError] = useState<string>();
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const dueAt = localDateTime(date, time);
    if (dueAt === undefined) return setError(t('wrapup.invalid.date'));
    if (dueAt <= Date.now()) return setError(t('wrapup.invalid.past'));
    setError(undefined);
    if (await onSave(dueAt)) onClose();
  };
  return (
    <form
      className="callback__reschedule"
      aria-label={t('callbacks.reschedule')}
      onSubmit={(event) => void save(event)}
    >
      <TextField className="field" type="date" value={date} onChange={setDate} isRequired autoFocus>
        <Label>{t('wrapup.field.callbackDate')}</Label>
        <Input />
      </TextField>
      <TextField className="field" type="time" value={time} onChange={setTime} isRequired>
        <Label>{t('wrapup.field.callbackTime')}</Label>
        <Input />
      </TextField>
      <div className="call__actions">
        <Button type="submit" className="button button--primary button--small">
          {t('callbacks.save')}
        </Button>
        <Button className="button button--small" onPress={onClose}>
          {t('callbacks.close')}
        </Button>
      </div>
      {error && (
        <p role="alert" className="field__error">
          {error}
        </p>
      )}
    </form>
  );
}

function CallbackItem({ callback, now, onDialled }: { callback: Callback; now: number; onDialled: () => void }) {
  const { t, i18n } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const whoId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [rescheduling, setRescheduling] = useState(false);
  const due = callback.dueAt <= now;
  const who = callbackWho(callback);
  const theirs = customerTime(callback, i18n.language, t);

  const run = async (command: Command) => {
    setBusy(true);
    setError(undefined);
    const result = await send(command);
    setBusy(false);
    if (!result.ok)
      setError(
        t('callbacks.failed', {
          message: t(`callbacks.error.${result.error.message}`, {
            defaultValue: result.error.issues?.[0]?.message ?? result.error.message,
          }),
        }),
      );
    return result.ok;
  };

  return (
    <li className={due ? 'callback callback--due' : 'callback'} aria-labelledby={whoId}>
      <div className="callback__top">
        <strong id={whoId} className="callback__who">
          {who}
        </strong>
        {callback.customerName && <span className="call__number">{callback.number}</span>}
        {due && <span className="callback__due-mark">{t('callbacks.dueNow')}</span>}
      </div>
      <p className="callback__when">
        {t('callbacks.dueAt', { when: dueText(callback.dueAt, now, i18n.language, t) })}
        {theirs && <span className="callback__theirs"> · {theirs}</span>}
      </p>
      {callback.note && <p className="callback__note">{callback.note}</p>}
      {callback.attempts > 0 && (
        <p className="callback__attempts">{t('callbacks.attempts', { count: callback.attempts })}</p>
      )}
      <div className="call__actions">
        <Button
          className="button button--small button--answer"
          aria-describedby={whoId}
          isDisabled={busy}
          onPress={() => void run({ type: 'callback.dial', id: callback.id }).then((ok) => ok && onDialled())}
        >
          {t('callbacks.callNow')}
        </Button>
        <Button
          className="button button--small"
          aria-describedby={whoId}
          isDisabled={busy}
          onPress={() => void run({ type: 'callback.update', id: callback.id, action: 'done' })}
        >
          {t('callbacks.done')}
        </Button>
        <Button
          className="button button--small"
          aria-describedby={whoId}
          isDisabled={busy}
          onPress={() => void run({ type: 'callback.update', id: callback.id, action: 'failed' })}
        >
          {t('callbacks.failedAttempt')}
        </Button>
        <Button
          className="button button--small"
          aria-describedby={whoId}
          aria-expanded={rescheduling}
          isDisabled={busy}
          onPress={() => setRescheduling(!rescheduling)}
        >
          {t('callbacks.reschedule')}
        </Button>
        {/* Cancelling a promise to call back: the agent confirms first. */}
        <ConfirmButton
          label={t('callbacks.cancel')}
          className="button button--small"
          placement="bottom end"
          isDisabled={busy}
          title={t('callbacks.cancelTitle', { who })}
          body={t('callbacks.cancelBody')}
          confirmLabel={t('callbacks.cancelConfirm')}
          keepLabel={t('callbacks.cancelKeep')}
          onConfirm={() => void run({ type: 'callback.update', id: callback.id, action: 'cancel' })}
        />
      </div>
      {rescheduling && (
        <Reschedule
          callback={callback}
          onSave={(dueAt) => run({ type: 'callback.update', id: callback.id, action: 'reschedule', dueAt })}
          onClose={() => setRescheduling(false)}
        />
      )}
      {error && (
        <p role="alert" className="field__error">
          {error}
        </p>
      )}
    </li>
  );
}

/** The open callbacks, the earliest first, with what to do about each. */
export function CallbacksPanel({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const callbacks = useSoftphone((s) => s.callbacks.open);
  const now = useNow(callbacks.length > 0, 15_000);
  const titleId = useId();
  const sorted = [...callbacks].sort((a, b) => a.dueAt - b.dueAt);
  return (
    <section className="callbacks" aria-label={t('callbacks.title')}>
      <header className="callbacks__head">
        <h2 id={titleId}>{t('callbacks.title')}</h2>
        <Button className="button button--small" onPress={onClose}>
          {t('callbacks.closePanel')}
        </Button>
      </header>
      {sorted.length === 0 ? (
        <p className="pop__muted">{t('callbacks.none')}</p>
      ) : (
        <ul className="callbacks__list" aria-labelledby={titleId}>
          {sorted.map((callback) => (
            <CallbackItem key={callback.id} callback={callback} now={now} onDialled={onClose} />
          ))}
        </ul>
      )}
    </section>
  );
}
