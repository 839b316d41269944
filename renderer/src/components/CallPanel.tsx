import { useState, type FormEvent } from 'react';
import { Button, Input, Label, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useNow } from '../hooks/useNow.js';
import type { Call } from '../../../src/contract/index.js';
import { useSoftphone } from '../state/store.js';

function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor(seconds / 60)).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  return `${mm}:${ss}`;
}

function Party({ call }: { call: Call }) {
  return (
    <div className="call__party">
      {call.remote.displayName && <strong className="call__name">{call.remote.displayName}</strong>}
      <span className="call__number">{call.remote.number}</span>
    </div>
  );
}

function IncomingCall({ call }: { call: Call }) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  return (
    <section className="call call--ringing" aria-label={t('call.incoming')}>
      <p className="call__status">{t('call.incoming')}</p>
      <Party call={call} />
      <div className="call__actions">
        <Button
          autoFocus
          className="button button--answer"
          onPress={() => void send({ type: 'call.answer', callId: call.id })}
        >
          {t('call.answer')}
        </Button>
        <Button className="button button--danger" onPress={() => void send({ type: 'call.decline', callId: call.id })}>
          {t('call.decline')}
        </Button>
      </div>
    </section>
  );
}

function statusOf(call: Call): string {
  if (call.state === 'dialling') return 'call.status.dialling';
  if (call.state === 'ringing-out') return 'call.status.ringingOut';
  if (call.hold.local && call.hold.remote) return 'call.status.bothHold';
  if (call.hold.local) return 'call.status.onHold';
  if (call.hold.remote) return 'call.status.heldByRemote';
  return 'call.status.active';
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

function Keypad({ call }: { call: Call }) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const [sent, setSent] = useState('');
  const [error, setError] = useState<string>();
  const press = async (key: string) => {
    const result = await send({ type: 'call.dtmf', callId: call.id, tones: key });
    if (result.ok) {
      setError(undefined);
      setSent((before) => (before + key).slice(-24));
    } else setError(t(`call.error.${result.error.message}`, { defaultValue: t('call.error.dtmf-failed') }));
  };
  return (
    <div className="keypad" role="group" aria-label={t('call.keypad')}>
      <output className="keypad__sent" aria-label={t('call.tonesSent')}>
        {sent}
      </output>
      {KEYS.map((key) => (
        <Button
          key={key}
          className="button keypad__key"
          aria-label={t('call.key', { key })}
          onPress={() => void press(key)}
        >
          {key}
        </Button>
      ))}
      {error && (
        <p role="alert" className="field__error keypad__error">
          {error}
        </p>
      )}
    </div>
  );
}

function CurrentCall({ call }: { call: Call }) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const now = useNow(call.state === 'active');
  const active = call.state === 'active';
  const [keypadOpen, setKeypadOpen] = useState(false);
  return (
    <section
      className={`call call--${call.hold.local || call.hold.remote ? 'hold' : call.state}`}
      aria-label={t('call.current')}
    >
      <p className="call__status" role="status">
        {t(statusOf(call))}
        {active && call.answeredAt !== undefined && (
          <span className="call__timer"> · {duration(now - call.answeredAt)}</span>
        )}
      </p>
      <Party call={call} />
      <div className="call__actions">
        {active && (
          <Button
            className="button"
            onPress={() => void send({ type: 'call.hold', callId: call.id, hold: !call.hold.local })}
          >
            {call.hold.local ? t('call.resume') : t('call.hold')}
          </Button>
        )}
        {active && (
          <Button
            className="button"
            aria-pressed={call.muted}
            onPress={() => void send({ type: 'call.mute', callId: call.id, muted: !call.muted })}
          >
            {call.muted ? t('call.unmute') : t('call.mute')}
          </Button>
        )}
        {active && (
          <Button className="button" aria-expanded={keypadOpen} onPress={() => setKeypadOpen(!keypadOpen)}>
            {t('call.keypad')}
          </Button>
        )}
        <Button className="button button--danger" onPress={() => void send({ type: 'call.hangup', callId: call.id })}>
          {active ? t('call.hangup') : t('call.cancel')}
        </Button>
      </div>
      {active && keypadOpen && <Keypad call={call} />}
    </section>
  );
}

function EndedCall({ call }: { call: Call }) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const cause = call.end?.cause ?? 'failed';
  return (
    <section className="call call--ended" aria-label={t('call.last')}>
      <p className="call__status" role="status">
        {t('call.ended')} {t(`call.cause.${cause}`)}
        {call.end?.code !== undefined && (
          <span className="call__detail">
            {' '}
            ({call.end.code} {call.end.phrase})
          </span>
        )}
      </p>
      <Party call={call} />
      <div className="call__actions">
        <Button className="button" onPress={() => void send({ type: 'call.dial', target: call.remote.uri })}>
          {call.direction === 'out' ? t('call.redial') : t('call.callBack')}
        </Button>
      </div>
    </section>
  );
}

function Dialer() {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const [target, setTarget] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!target.trim()) return;
    setError(undefined);
    const result = await send({ type: 'call.dial', target });
    if (result.ok) setTarget('');
    else setError(t(`call.error.${result.error.message}`, { defaultValue: t('call.error.failed') }));
  };
  return (
    <form className="dialer" onSubmit={(event) => void submit(event)}>
      <TextField className="field dialer__field" value={target} onChange={setTarget} isInvalid={Boolean(error)}>
        <Label>{t('call.target')}</Label>
        <Input inputMode="tel" autoComplete="off" spellCheck={false} />
      </TextField>
      <Button type="submit" className="button button--answer">
        {t('call.dial')}
      </Button>
      {error && (
        <p role="alert" className="field__error">
          {error}
        </p>
      )}
    </form>
  );
}

/** The call zone: the ringing call first, then the call in progress, the last ended one, and the dialer. */
export function CallPanel() {
  const { t } = useTranslation();
  const calls = useSoftphone((s) => s.calls);
  const ringing = calls.filter((call) => call.state === 'ringing-in');
  const current = calls.filter((call) => call.state !== 'ringing-in' && call.state !== 'ended');
  const ended = calls.find((call) => call.state === 'ended');
  return (
    <div className="calls">
      <h2 className="visually-hidden">{t('call.title')}</h2>
      {ringing.map((call) => (
        <IncomingCall key={call.id} call={call} />
      ))}
      {current.map((call) => (
        <CurrentCall key={call.id} call={call} />
      ))}
      {current.length === 0 && ringing.length === 0 && ended && <EndedCall call={ended} />}
      <Dialer />
    </div>
  );
}
