import { useState, type FormEvent } from 'react';
import { Button, Input, Label, SearchField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { Call, CustomerCard, CustomerSummary, ScreenPop } from '../../../../src/contract/index.js';
import { useSoftphone } from '../../state/store.js';
import { FirstSyncProgress } from '../sync/FirstSyncProgress.js';
import { CustomerForm } from './CustomerForm.js';
import { Chooser, CustomerRecord, Flags, ServiceLineNote, customerName } from './CustomerRecord.js';

/** The call whose record the agent needs now: a ringing one, else the one in progress, else the last. */
export function focusedCall(calls: Call[]): Call | undefined {
  return (
    calls.find((call) => call.state === 'ringing-in') ??
    calls.find((call) => call.state !== 'ended' && !call.consultFor) ??
    calls.find((call) => call.state === 'ended')
  );
}

/** The record pinned to a call: the card, the chooser, or the form for a caller not in the list. */
function PinnedRecord({ call, pop }: { call: Call; pop: ScreenPop }) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const link = (customerId: number) => void send({ type: 'pop.link', callId: call.id, customerId });
  return (
    <section className="pop" aria-label={t('customer.pinned')}>
      <h2 className="pop__title">
        {call.state === 'ringing-in' ? t('customer.whoIsCalling') : t('customer.onThisCall')}
      </h2>
      <ServiceLineNote line={pop.line} />
      {pop.unavailable ? (
        <p className="notice notice--warning">{t('customer.unavailable')}</p>
      ) : pop.card ? (
        <CustomerRecord card={pop.card} />
      ) : pop.lookup.kind === 'many' ? (
        <>
          <p>{t('customer.shared', { count: pop.lookup.matches.length })}</p>
          <Chooser matches={pop.lookup.matches} onChoose={(match) => link(match.id)} />
        </>
      ) : pop.lookup.kind === 'withheld' ? (
        <p>{t('customer.withheld')}</p>
      ) : (
        <>
          <p>{t('customer.unknown', { number: pop.lookup.kind === 'none' ? pop.lookup.number : '' })}</p>
          <CustomerForm callId={call.id} number={pop.lookup.kind === 'none' ? pop.lookup.number : undefined} />
        </>
      )}
    </section>
  );
}

/**
 * Search the cache while the call's record stays pinned; a result opens below, and can be linked to
 * the call in place of the pinned one.
 */
function CustomerSearch({ call }: { call?: Call }) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<CustomerSummary[]>();
  const [open, setOpen] = useState<CustomerCard>();
  const [problem, setProblem] = useState<string>();
  const search = async (event?: FormEvent) => {
    event?.preventDefault();
    const text = query.trim();
    if (!text) return;
    const result = await send({ type: 'customers.search', query: text, limit: 20 });
    if (result.ok) {
      setResults(result.value as CustomerSummary[]);
      setProblem(undefined);
    } else setProblem(t('customer.searchFailed'));
  };
  const show = async (id: number) => {
    const result = await send({ type: 'customers.card', customerId: id });
    if (result.ok) setOpen(result.value as CustomerCard);
  };
  return (
    <section className="customer-search" aria-label={t('customer.search')}>
      <form role="search" onSubmit={(event) => void search(event)} className="customer-search__form">
        <SearchField className="field" value={query} onChange={setQuery} onClear={() => setResults(undefined)}>
          <Label>{t('customer.search')}</Label>
          <Input placeholder={t('customer.searchHint')} />
        </SearchField>
        <Button type="submit" className="button">
          {t('customer.find')}
        </Button>
      </form>
      {problem && <p role="alert">{problem}</p>}
      {results && results.length === 0 && <p className="pop__muted">{t('customer.noResults')}</p>}
      {results && results.length > 0 && (
        <ul className="search-results" aria-label={t('customer.results')}>
          {results.map((match) => (
            <li key={match.id}>
              <Button className="search-results__item" onPress={() => void show(match.id)}>
                <strong>{customerName(match)}</strong>
                {match.company && customerName(match) !== match.company && <span> · {match.company}</span>}
              </Button>
              <Flags flags={match.flags} />
            </li>
          ))}
        </ul>
      )}
      {open && (
        <CustomerRecord
          key={open.customer.id}
          card={open}
          actions={
            call && (
              <Button
                className="button button--primary"
                onPress={() =>
                  void send({ type: 'pop.link', callId: call.id, customerId: open.customer.id }).then((result) => {
                    if (result.ok) setOpen(undefined);
                  })
                }
              >
                {t('customer.linkToCall')}
              </Button>
            )
          }
        />
      )}
    </section>
  );
}

/** The right-hand side of the desk: who the caller is, and the customer search. */
export function CustomerColumn() {
  const { t } = useTranslation();
  const calls = useSoftphone((s) => s.calls);
  const pops = useSoftphone((s) => s.pops);
  const status = useSoftphone((s) => s.customers);
  const firstSync = useSoftphone((s) => s.sync.firstSync);
  const call = focusedCall(calls);
  const pop = call && pops.find((candidate) => candidate.callId === call.id);
  return (
    <aside className="customers" aria-label={t('customer.title')}>
      {status.state === 'unavailable' && (
        <p role="alert" className="notice notice--warning">
          {status.problem}
        </p>
      )}
      {call && pop && <PinnedRecord key={call.id} call={call} pop={pop} />}
      {firstSync && <FirstSyncProgress progress={firstSync} />}
      <CustomerSearch key={`search-${call?.id ?? 'none'}`} call={call} />
    </aside>
  );
}
