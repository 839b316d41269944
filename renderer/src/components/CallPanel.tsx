import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button, Input, Label, TextArea, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useNow } from '../hooks/useNow.js';
import { isMissedCall, type Call, type GuidanceLine } from '../../../src/contract/index.js';
import { useSoftphone } from '../state/store.js';
import { Flags, customerName } from './customers/CustomerRecord.js';
import { SayLines } from './guidance/SayLines.js';

function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor(seconds / 60)).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  return `${mm}:${ss}`;
}

function Party({ call }: { call: Call }) {
  const { t } = useTranslation();
  const pop = useSoftphone((s) => s.pops.find((candidate) => candidate.callId === call.id));
  const customer = pop?.card?.customer;
  const name = customer ? customerName(customer) : call.remote.displayName;
  return (
    <div className="call__party">
      {name && <strong className="call__name">{name}</strong>}
      {customer && customer.flags.length > 0 && <Flags flags={customer.flags} />}
      {!customer && pop?.lookup.kind === 'many' && (
        <span className="call__hint">{t('customer.shared', { count: pop.lookup.matches.length })}</span>
      )}
      <span className="call__number">{call.remote.number}</span>
    </div>
  );
}

function IncomingCall({ call, waiting }: { call: Call; waiting: boolean }) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  return (
    <section className="call call--ringing" aria-label={t('call.incoming')}>
      <p className="call__status">{waiting ? t('call.waiting') : t('call.incoming')}</p>
      <Party call={call} />
      {waiting && <p className="call__hint">{t('call.waitingHint')}</p>}
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
  if (call.state === 'early-media') return 'call.status.earlyMedia';
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

function Quality({ call }: { call: Call }) {
  const { t } = useTranslation();
  const quality = call.quality;
  if (call.state !== 'active') return null;
  // Its place is kept from the answer on: the badge arriving a few seconds later must not move the
  // call controls under the agent's pointer.
  if (!quality)
    return (
      <div className="quality">
        <span className="quality__meter quality__meter--measuring">
          {t('call.quality.label')} · {t('call.quality.measuring')}
        </span>
      </div>
    );
  return (
    <div className="quality">
      <span
        className={`quality__meter quality__meter--${quality.level}`}
        role="meter"
        aria-label={t('call.quality.label')}
        aria-valuemin={1}
        aria-valuemax={4.5}
        aria-valuenow={quality.mos}
        aria-valuetext={t(`call.quality.${quality.level}`)}
      >
        {t(`call.quality.${quality.level}`)} · MOS {quality.mos.toFixed(1)}
      </span>
      {quality.warning && (
        <p role="alert" className="quality__warning">
          {t(`call.quality.warning.${quality.warning}`)}
        </p>
      )}
    </div>
  );
}

function TransferForm({ call, onClose }: { call: Call; onClose: () => void }) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const [target, setTarget] = useState('');
  const [error, setError] = useState<string>();
  const run = async (type: 'call.transfer' | 'call.consult') => {
    if (!target.trim()) return setError(t('call.error.invalid-number'));
    const result = await send({ type, callId: call.id, target });
    if (result.ok) onClose();
    else setError(t(`call.error.${result.error.message}`, { defaultValue: t('call.error.failed') }));
  };
  return (
    <form
      className="transfer"
      aria-label={t('call.transfer.title')}
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        void run('call.consult');
      }}
    >
      <TextField className="field" value={target} onChange={setTarget} isInvalid={Boolean(error)} autoFocus>
        <Label>{t('call.transfer.target')}</Label>
        <Input inputMode="tel" autoComplete="off" spellCheck={false} />
      </TextField>
      <div className="call__actions">
        <Button type="submit" className="button button--primary">
          {t('call.transfer.consult')}
        </Button>
        <Button className="button" onPress={() => void run('call.transfer')}>
          {t('call.transfer.blind')}
        </Button>
        <Button className="button" onPress={onClose}>
          {t('call.transfer.close')}
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

/** The note for whoever takes the call over; saved to the core as it is typed. */
function HandoverNote({ call, customer }: { call: Call; customer?: Call }) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const [note, setNote] = useState((customer ?? call).handoverNote ?? '');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <TextField
      className="field handover"
      value={note}
      onChange={(value) => {
        setNote(value);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => void send({ type: 'call.note', callId: call.id, note: value }), 300);
      }}
      onBlur={() => void send({ type: 'call.note', callId: call.id, note })}
    >
      <Label>{t('call.transfer.note')}</Label>
      <TextArea rows={3} maxLength={2000} />
    </TextField>
  );
}

function TransferStatus({ call }: { call: Call }) {
  const { t } = useTranslation();
  const transfer = call.transfer;
  if (!transfer) return null;
  const values = { target: transfer.target, code: transfer.code ?? '' };
  if (transfer.state === 'failed')
    return (
      <p role="alert" className="call__transfer call__transfer--failed">
        {t(transfer.code ? 'call.transfer.failedCode' : 'call.transfer.failed', values)}
      </p>
    );
  return (
    <p className="call__transfer">
      {t(transfer.state === 'consulting' ? 'call.transfer.consulting' : 'call.transfer.transferring', values)}
    </p>
  );
}

/**
 * Before a hold, what to ask the caller (their permission, the reason), from the call's script:
 * Enter holds, Escape goes back to the call.
 */
function HoldAsk({ lines, onHold, onCancel }: { lines: GuidanceLine[]; onHold: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  return (
    <div
      role="dialog"
      aria-label={t('call.holdAsk.title')}
      className="hold-ask"
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation();
        onCancel();
      }}
    >
      <p className="hold-ask__intro">{t('call.holdAsk.intro')}</p>
      {lines.length > 0 ? <SayLines lines={lines} /> : <p>{t('call.holdAsk.default')}</p>}
      <div className="call__actions">
        <Button autoFocus className="button button--primary" onPress={onHold}>
          {t('call.holdAsk.holdNow')}
        </Button>
        <Button className="button" onPress={onCancel}>
          {t('call.holdAsk.cancel')}
        </Button>
      </div>
      <p className="field__help">{t('call.holdAsk.keys')}</p>
    </div>
  );
}

const NO_LINES: GuidanceLine[] = [];

function CurrentCall({ call, customer }: { call: Call; customer?: Call }) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const now = useNow(call.state === 'active');
  const active = call.state === 'active';
  const [keypadOpen, setKeypadOpen] = useState(false);
  const [transferOpen, setTransferOpen] = useState(false);
  const busyTransferring = call.transfer?.state === 'transferring' || call.transfer?.state === 'consulting';
  // A consultation call: the agent talks to the transfer target while the customer waits.
  const consultation = Boolean(customer);
  // Ask the caller before the hold (guidance setting); a consultation holds a colleague: no need.
  const askFirst = useSoftphone((s) => s.settings?.values.guidance?.askBeforeHold ?? false) && !consultation;
  const holdAsk = useSoftphone((s) => s.guidance.find((view) => view.callId === call.id)?.holdAsk ?? NO_LINES);
  const [asking, setAsking] = useState(false);
  if (asking && (call.hold.local || !active || busyTransferring)) setAsking(false);
  const holdButton = useRef<HTMLButtonElement>(null);
  const hold = (on: boolean) => {
    setAsking(false);
    void send({ type: 'call.hold', callId: call.id, hold: on });
  };
  return (
    <section
      className={`call call--${call.hold.local || call.hold.remote ? 'hold' : call.state}`}
      aria-label={consultation ? t('call.consultation') : t('call.current')}
    >
      <p className="call__status" role="status">
        {t(statusOf(call))}
        {active && call.answeredAt !== undefined && (
          <span className="call__timer"> · {duration(now - call.answeredAt)}</span>
        )}
        {call.autoAnswered && <span className="call__detail"> · {t('call.autoAnswered')}</span>}
      </p>
      <Party call={call} />
      <TransferStatus call={call} />
      <Quality call={call} />
      <div className="call__actions">
        {consultation && active && (
          <Button
            className="button button--primary"
            onPress={() => void send({ type: 'call.completeTransfer', callId: customer!.id })}
          >
            {t('call.transfer.complete')}
          </Button>
        )}
        {consultation && (
          <Button className="button" onPress={() => void send({ type: 'call.abandonTransfer', callId: customer!.id })}>
            {t('call.transfer.back')}
          </Button>
        )}
        {active && !busyTransferring && (
          <Button
            ref={holdButton}
            className="button"
            aria-expanded={askFirst && !call.hold.local ? asking : undefined}
            onPress={() => {
              // Resume is always at once; a second press of Hold while asking holds.
              if (call.hold.local) hold(false);
              else if (askFirst && !asking) setAsking(true);
              else hold(true);
            }}
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
        {active && !consultation && !busyTransferring && (
          <Button className="button" aria-expanded={transferOpen} onPress={() => setTransferOpen(!transferOpen)}>
            {t('call.transfer.open')}
          </Button>
        )}
        <Button className="button button--danger" onPress={() => void send({ type: 'call.hangup', callId: call.id })}>
          {active || call.state === 'early-media' ? t('call.hangup') : t('call.cancel')}
        </Button>
      </div>
      {asking && (
        <HoldAsk
          lines={holdAsk}
          onHold={() => {
            hold(true);
            holdButton.current?.focus();
          }}
          onCancel={() => {
            setAsking(false);
            holdButton.current?.focus();
          }}
        />
      )}
      {active && keypadOpen && <Keypad call={call} />}
      {active && transferOpen && !busyTransferring && (
        <TransferForm call={call} onClose={() => setTransferOpen(false)} />
      )}
      {consultation && <HandoverNote call={call} customer={customer} />}
      {!consultation && call.transfer?.state === 'consulting' && call.handoverNote && (
        <p className="call__detail">
          {t('call.transfer.note')}: {call.handoverNote}
        </p>
      )}
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
      {call.handoverNote && (
        <p className="call__detail">
          {t('call.transfer.note')}: {call.handoverNote}
        </p>
      )}
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

function time(epoch: number, language: string): string {
  return new Date(epoch).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' });
}

/** The recent calls, missed ones marked, each one a press away from calling back. */
function RecentCalls() {
  const { t, i18n } = useTranslation();
  const history = useSoftphone((s) => s.history);
  const send = useSoftphone((s) => s.send);
  if (history.calls.length === 0) return null;
  return (
    <section className="recent" aria-labelledby="recent-title">
      <h3 id="recent-title">
        {t('recent.title')}
        {history.unseenMissed > 0 && (
          <span className="badge" aria-label={t('recent.unseen', { count: history.unseenMissed })}>
            {' '}
            {history.unseenMissed}
          </span>
        )}
      </h3>
      {history.unseenMissed > 0 && (
        <Button className="button button--small" onPress={() => void send({ type: 'history.seen' })}>
          {t('recent.markSeen')}
        </Button>
      )}
      <ul className="recent__list">
        {history.calls.slice(0, 10).map((call) => {
          const missed = isMissedCall(call);
          const who = call.remote.displayName ?? call.remote.number;
          return (
            <li key={call.id} className={missed ? 'recent__item recent__item--missed' : 'recent__item'}>
              <span className="recent__when">{time(call.startedAt, i18n.language)}</span>
              <span className="recent__who">
                {call.direction === 'in' ? '↙' : '↗'} {who}
                {call.remote.displayName && <span className="call__number"> {call.remote.number}</span>}
              </span>
              <span className="recent__what">
                {missed
                  ? t('recent.missed')
                  : call.answeredAt && call.endedAt
                    ? duration(call.endedAt - call.answeredAt)
                    : t(`recent.cause.${call.end?.cause ?? 'failed'}`)}
              </span>
              <Button
                className="button button--small"
                aria-label={t('recent.callBack', { who })}
                onPress={() => void send({ type: 'call.dial', target: call.remote.uri })}
              >
                {t('call.callBack')}
              </Button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The call zone: ringing calls first, then the calls in progress, the last ended one, the dialer and the recent calls. */
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
        <IncomingCall key={call.id} call={call} waiting={current.length > 0} />
      ))}
      {current.map((call) => (
        <CurrentCall
          key={call.id}
          call={call}
          customer={call.consultFor ? calls.find((other) => other.id === call.consultFor) : undefined}
        />
      ))}
      {current.length === 0 && ringing.length === 0 && ended && <EndedCall call={ended} />}
      <Dialer />
      <RecentCalls />
    </div>
  );
}
