import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { useRef, useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import {
  CallEndCause,
  type CustomerCard,
  type CustomerSummary,
  type ServiceLine,
} from '../../../../src/contract/index.js';
import { dueText } from '../work/workText.js';
import { CustomerForm } from './CustomerForm.js';
import { ScheduleCallback } from './ScheduleCallback.js';

export function customerName(
  customer: Pick<CustomerSummary, 'title' | 'givenName' | 'familyName' | 'company'>,
): string {
  const person = [customer.title, customer.givenName, customer.familyName].filter(Boolean).join(' ');
  return person || customer.company || '';
}

export function formatNumber(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

function day(epoch: number, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(epoch);
}

export function Flags({ flags }: { flags: string[] }) {
  const { t } = useTranslation();
  if (flags.length === 0) return null;
  return (
    <ul className="flags" aria-label={t('customer.flags')}>
      {flags.map((flag) => (
        <li key={flag} className={`flag flag--${flag.toLowerCase()}`}>
          {t(`customer.flag.${flag.toLowerCase()}`, { defaultValue: flag })}
        </li>
      ))}
    </ul>
  );
}

export function ServiceLineNote({ line }: { line?: ServiceLine }) {
  const { t } = useTranslation();
  if (!line) return null;
  return (
    <p className="pop__line">
      {t('customer.calledFor', { service: line.serviceName })}
      {line.language && <span className="pop__muted"> · {line.language}</span>}
    </p>
  );
}

/**
 * Everything the agent needs of a customer at a glance: who, the keys to check that the caller is
 * them, open cases first, then what happened last. `actions` adds buttons (link to the call).
 */
export function CustomerRecord({ card, actions }: { card: CustomerCard; actions?: React.ReactNode }) {
  const { t, i18n } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [scheduling, setScheduling] = useState(false);
  const [scheduled, setScheduled] = useState<string>();
  const scheduleButton = useRef<HTMLButtonElement>(null);
  const { customer } = card;
  const closeSchedule = () => {
    setScheduling(false);
    // The focus goes back where the form was opened, not to the top of the page.
    requestAnimationFrame(() => scheduleButton.current?.focus());
  };
  const keys = (['customerCode', 'dateOfBirth', 'postcode'] as const).filter((key) => customer.identification[key]);
  const open = card.cases.filter((c) => c.open);
  const closed = card.cases.filter((c) => !c.open).slice(0, 3);
  return (
    <article className="record" aria-label={t('customer.record', { name: customerName(customer) })}>
      <header className="record__head">
        <h3 className="record__name">{customerName(customer)}</h3>
        {customer.company && customerName(customer) !== customer.company && (
          <p className="record__company">{customer.company}</p>
        )}
        <Flags flags={customer.flags} />
      </header>
      {keys.length > 0 && (
        <section aria-label={t('customer.verify')} className="record__keys">
          <h4>{t('customer.verify')}</h4>
          <dl>
            {keys.map((key) => (
              <div key={key}>
                <dt>{t(`customer.key.${key}`)}</dt>
                <dd>{customer.identification[key]}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
      <dl className="record__contact">
        {customer.accountNumber && (
          <div>
            <dt>{t('customer.field.accountNumber')}</dt>
            <dd>{customer.accountNumber}</dd>
          </div>
        )}
        {customer.phones.map((phone) => (
          <div key={phone.e164}>
            <dt>{phone.label ?? t('customer.field.number')}</dt>
            <dd>{formatNumber(phone.e164)}</dd>
          </div>
        ))}
        {customer.emails.map((email) => (
          <div key={email}>
            <dt>{t('customer.field.email')}</dt>
            <dd>{email}</dd>
          </div>
        ))}
        {customer.language && (
          <div>
            <dt>{t('customer.field.language')}</dt>
            <dd>{customer.language}</dd>
          </div>
        )}
      </dl>
      {customer.notes && <p className="record__notes">{customer.notes}</p>}
      <section aria-label={t('customer.cases')}>
        <h4>{t('customer.cases')}</h4>
        {open.length === 0 && closed.length === 0 && <p className="pop__muted">{t('customer.noCases')}</p>}
        <ul className="record__list">
          {[...open, ...closed].map((c) => (
            <li key={c.id} className={c.open ? 'case case--open' : 'case'}>
              <span className="case__state">{c.open ? t('customer.caseOpen') : t('customer.caseClosed')}</span>{' '}
              <strong>{c.subject}</strong>
              <span className="pop__muted">
                {' '}
                · {c.status}
                {c.category ? ` · ${c.category}` : ''} · {day(c.updatedAt, i18n.language)}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-label={t('customer.interactions')}>
        <h4>{t('customer.interactions')}</h4>
        {card.interactions.length === 0 && <p className="pop__muted">{t('customer.noInteractions')}</p>}
        <ul className="record__list">
          {card.interactions.slice(0, 5).map((i) => (
            <li key={i.id}>
              {day(i.startedAt, i18n.language)} · {t(`customer.channel.${i.channel}`)}{' '}
              {i.direction === 'in' ? '←' : '→'}
              {i.outcome && <span className="pop__muted"> · {outcomeText(i.outcome, t)}</span>}
              {i.summary && <p className="record__summary">{i.summary}</p>}
            </li>
          ))}
        </ul>
      </section>
      <div className="call__actions">
        {actions}
        {!editing && (
          <Button className="button" onPress={() => setEditing(true)}>
            {t('customer.edit')}
          </Button>
        )}
        <Button
          ref={scheduleButton}
          className="button"
          aria-expanded={scheduling}
          onPress={() => {
            setScheduled(undefined);
            if (scheduling) closeSchedule();
            else setScheduling(true);
          }}
        >
          {t('callbacks.new.open')}
        </Button>
      </div>
      {scheduling && (
        <ScheduleCallback
          customerId={customer.id}
          numbers={customer.phones.map((phone) => ({
            value: phone.e164,
            label: phone.label ? `${phone.label} · ${formatNumber(phone.e164)}` : formatNumber(phone.e164),
          }))}
          onScheduled={(dueAt) => {
            setScheduled(t('callbacks.new.scheduled', { when: dueText(dueAt, Date.now(), i18n.language, t) }));
            closeSchedule();
          }}
          onCancel={closeSchedule}
        />
      )}
      <p role="status" className={scheduled ? 'record__scheduled' : 'visually-hidden'}>
        {scheduled ?? ''}
      </p>
      {editing && <CustomerForm card={card} onDone={() => setEditing(false)} onCancel={() => setEditing(false)} />}
    </article>
  );
}

/** Several customers share the number: the agent picks who is calling, most recent contact first. */
export function Chooser({
  matches,
  onChoose,
}: {
  matches: CustomerSummary[];
  onChoose: (customer: CustomerSummary) => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <ul className="chooser" aria-label={t('customer.chooser')}>
      {matches.map((match) => (
        <li key={match.id} className="chooser__item">
          <div>
            <strong>{customerName(match)}</strong>
            {match.company && customerName(match) !== match.company && <span> · {match.company}</span>}
            <Flags flags={match.flags} />
            <p className="pop__muted">
              {match.phoneLabel && `${match.phoneLabel} · `}
              {match.lastContactAt
                ? t('customer.lastContact', { date: day(match.lastContactAt, i18n.language) })
                : t('customer.neverContacted')}
              {match.openCases > 0 && ` · ${t('customer.openCases', { count: match.openCases })}`}
            </p>
          </div>
          <Button
            className="button"
            onPress={() => onChoose(match)}
            aria-label={t('customer.choose', { name: customerName(match) })}
          >
            {t('customer.chooseShort')}
          </Button>
        </li>
      ))}
    </ul>
  );
}

/**
 * A contact's outcome as the CRM wrote it, or, for a call of this desk whose wrap-up is not saved
 * yet, how the call ended (a code such as "local-hangup") in the agent's words.
 */
function outcomeText(outcome: string, t: TFunction): string {
  return (CallEndCause.options as readonly string[]).includes(outcome) ? t(`call.cause.${outcome}`) : outcome;
}
