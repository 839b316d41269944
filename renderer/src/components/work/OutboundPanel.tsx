import type { TFunction } from 'i18next';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { Button, FileTrigger, Input, Label, Text, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import {
  localDateTime,
  type Command,
  type ContractError,
  type OutboundEntry,
  type OutboundList,
  type OutboundOutcome,
} from '../../../../src/contract/index.js';
import { useSoftphone } from '../../state/store.js';
import { ConfirmButton } from '../ConfirmDialog.js';
import { FormActions } from '../FormFields.js';
import { CallbackWhen } from './CallbackWhen.js';
import { localInputs } from './workText.js';

/** What `outbound.import` takes at most (the contract's limit on the file's text). */
const MAX_CONTENT_CHARS = 4 * 1024 * 1024;
/** The longest list name the core takes. */
const MAX_NAME = 200;
/** Refused rows shown one by one; beyond that, how many more. */
const REJECTED_SHOWN = 100;
/** A long list shows a window of its entries around the next to call, not all 20,000 of them. */
const WINDOW_FROM = 300;
const WINDOW_BEFORE = 5;
const WINDOW_AFTER = 100;
const WINDOW_STEP = 100;

const OUTCOMES: OutboundOutcome[] = ['reached', 'no-answer', 'not-now', 'wrong-number', 'declined'];

/** A failed command in the agent's words: the outbound texts, the call texts, else what the core said. */
function problemText(error: ContractError, t: TFunction): string {
  const fallback = error.issues?.[0]?.message ?? (error.message || t(`error.${error.code}`));
  return t(`outbound.error.${error.message}`, {
    defaultValue: t(`call.error.${error.message}`, { defaultValue: fallback }),
  });
}

/** How many entries of all the lists are still to call (not done), for the status bar. */
export function useOutboundToCall(): { lists: number; toCall: number } {
  const lists = useSoftphone((s) => s.outbound);
  return useMemo(
    () => ({
      lists: lists.length,
      toCall: lists.reduce((sum, list) => sum + list.entries.filter((entry) => entry.status !== 'done').length, 0),
    }),
    [lists],
  );
}

/** The status bar's way to the outbound lists, with how many entries are still to call. */
export function OutboundButton({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  const { t } = useTranslation();
  const { lists, toCall } = useOutboundToCall();
  return (
    <Button className="button button--quiet outbound-button" aria-expanded={open} onPress={onToggle}>
      {t('outbound.button')}
      {lists > 0 && (
        <>
          {' '}
          <span className="badge" aria-hidden="true">
            {toCall}
          </span>
          <span className="visually-hidden">{t('outbound.toCall', { count: toCall })}</span>
        </>
      )}
    </Button>
  );
}

/** "renewals.csv" → "renewals". */
function baseName(fileName: string): string {
  const name = fileName.replace(/\.[^.]*$/, '').trim() || fileName.trim();
  return name.slice(0, MAX_NAME);
}

interface ImportReport {
  name: string;
  imported: number;
  rejected: { line: number; reason: string }[];
}

interface ImportProblem {
  message: string;
  details: string[];
}

/** "line 3" (the core's path for a refused row) → "Line 3: …"; else the message as it is. */
function issueText(issue: { path: string; message: string }, t: TFunction): string {
  const line = /^line (\d+)$/.exec(issue.path)?.[1];
  return line ? t('outbound.rejectedRow', { line, reason: issue.message }) : issue.message;
}

/** A new list from a CSV file, named as the agent says or after the file; the report of what was refused. */
function ImportList() {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ImportReport>();
  const [problem, setProblem] = useState<ImportProblem>();
  const rejectedId = useId();

  const importFile = async (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    const listName = name.trim().slice(0, MAX_NAME) || baseName(file.name) || t('outbound.untitled');
    setReport(undefined);
    setProblem(undefined);
    // Bytes are at least as many as characters: a file far too large is not even read.
    if (file.size > 4 * MAX_CONTENT_CHARS) return setProblem({ message: t('outbound.tooLarge'), details: [] });
    setBusy(true);
    try {
      const content = await file.text();
      if (content.length > MAX_CONTENT_CHARS) return setProblem({ message: t('outbound.tooLarge'), details: [] });
      const result = await send({ type: 'outbound.import', name: listName, content });
      if (!result.ok) {
        const known = result.error.message === 'outbound-file' || result.error.message === 'outbound-empty';
        return setProblem({
          message: known ? t(`outbound.error.${result.error.message}`) : problemText(result.error, t),
          details: known ? (result.error.issues ?? []).map((issue) => issueText(issue, t)) : [],
        });
      }
      const value = result.value as { imported?: number; rejected?: { line: number; reason: string }[] } | undefined;
      setReport({ name: listName, imported: value?.imported ?? 0, rejected: value?.rejected ?? [] });
      setName('');
    } catch {
      setProblem({ message: t('outbound.unreadable'), details: [] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="outbound__import">
      <h3 className="outbound__subtitle">{t('outbound.importTitle')}</h3>
      <div className="outbound__import-row">
        <TextField className="field outbound__name" value={name} onChange={setName} maxLength={MAX_NAME}>
          <Label>{t('outbound.listName')}</Label>
          <Input autoComplete="off" />
          <Text slot="description" className="field__help">
            {t('outbound.listNameHelp')}
          </Text>
        </TextField>
        <FileTrigger acceptedFileTypes={['.csv', 'text/csv']} onSelect={(files) => void importFile(files)}>
          <Button className="button button--primary" isDisabled={busy}>
            {t('outbound.import')}
          </Button>
        </FileTrigger>
      </div>
      <p className="field__help">{t('outbound.importHelp')}</p>
      {busy && (
        <p role="status" className="pop__muted">
          {t('outbound.importing')}
        </p>
      )}
      {problem && (
        <div role="alert" className="outbound__problem">
          <p>{problem.message}</p>
          {problem.details.length > 0 && (
            <ul>
              {problem.details.slice(0, REJECTED_SHOWN).map((detail, index) => (
                <li key={index}>{detail}</li>
              ))}
              {problem.details.length > REJECTED_SHOWN && (
                <li>{t('outbound.moreRejected', { count: problem.details.length - REJECTED_SHOWN })}</li>
              )}
            </ul>
          )}
        </div>
      )}
      {report && (
        <div role="status" className="outbound__report">
          <p>{t('outbound.imported', { count: report.imported, name: report.name })}</p>
          {report.rejected.length > 0 && (
            <>
              <h4 id={rejectedId} className="outbound__rejected-title">
                {t('outbound.rejectedTitle')}
              </h4>
              <ul aria-labelledby={rejectedId} className="outbound__rejected">
                {report.rejected.slice(0, REJECTED_SHOWN).map((row) => (
                  <li key={row.line}>{t('outbound.rejectedRow', { line: row.line, reason: row.reason })}</li>
                ))}
                {report.rejected.length > REJECTED_SHOWN && (
                  <li>{t('outbound.moreRejected', { count: report.rejected.length - REJECTED_SHOWN })}</li>
                )}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}

/** The agreed day and time for "not now": today by default, in the agent's local time. */
function NotNowForm({
  onSave,
  onCancel,
  isDisabled,
}: {
  onSave: (dueAt: number) => Promise<ContractError | undefined>;
  onCancel: () => void;
  isDisabled: boolean;
}) {
  const { t } = useTranslation();
  const [date, setDate] = useState(() => localInputs(Date.now()).date);
  const [time, setTime] = useState('');
  const [dateError, setDateError] = useState<string>();
  const [timeError, setTimeError] = useState<string>();
  const [problem, setProblem] = useState<string>();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    const dateOk = /^\d{4}-\d{2}-\d{2}$/.test(date);
    const timeOk = /^\d{2}:\d{2}$/.test(time);
    const dueAt = dateOk && timeOk ? localDateTime(date, time) : undefined;
    const nextDateError = !dateOk || (timeOk && dueAt === undefined) ? 'wrapup.invalid.date' : undefined;
    const nextTimeError = !timeOk
      ? 'wrapup.invalid.time'
      : dueAt !== undefined && dueAt <= Date.now()
        ? 'wrapup.invalid.past'
        : undefined;
    setDateError(nextDateError);
    setTimeError(nextTimeError);
    if (nextDateError || nextTimeError || dueAt === undefined) return;
    const error = await onSave(dueAt);
    if (!error) return;
    if (error.message === 'due-time-past') setTimeError('wrapup.invalid.past');
    else if (error.message === 'due-time-needed') setTimeError('wrapup.invalid.time');
    else setProblem(t('outbound.failed', { message: problemText(error, t) }));
  };

  return (
    <form
      className="outbound-entry__not-now"
      aria-label={t('outbound.notNowTitle')}
      noValidate
      onSubmit={(event) => void save(event)}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onCancel();
        }
      }}
    >
      <CallbackWhen
        date={{
          label: t('outbound.date'),
          value: date,
          onChange: (value) => {
            setDate(value);
            setDateError(undefined);
          },
          error: dateError,
        }}
        time={{
          label: t('outbound.time'),
          value: time,
          onChange: (value) => {
            setTime(value);
            setTimeError(undefined);
          },
          error: timeError,
          autoFocus: true,
        }}
      />
      <FormActions
        save={t('outbound.save')}
        cancel={t('outbound.cancel')}
        onCancel={onCancel}
        isDisabled={isDisabled}
        problem={problem}
      />
    </form>
  );
}

/** The outcome of the entry being called: one press, or a day and time for "not now". */
function OutcomeButtons({ entry }: { entry: OutboundEntry }) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const labelId = useId();
  const [busy, setBusy] = useState(false);
  const [notNow, setNotNow] = useState(false);
  const [problem, setProblem] = useState<string>();

  const record = async (outcome: OutboundOutcome, dueAt?: number): Promise<ContractError | undefined> => {
    setBusy(true);
    setProblem(undefined);
    const result = await send({
      type: 'outbound.outcome',
      entryId: entry.id,
      outcome,
      ...(dueAt !== undefined ? { dueAt } : {}),
    });
    setBusy(false);
    if (result.ok) return undefined;
    if (outcome !== 'not-now') setProblem(t('outbound.failed', { message: problemText(result.error, t) }));
    return result.error;
  };

  return (
    <div className="outbound-entry__outcome">
      <div role="group" aria-labelledby={labelId} className="outbound-entry__outcomes">
        <span id={labelId} className="outbound-entry__outcome-label">
          {t('outbound.outcomeGroup')}
        </span>
        {OUTCOMES.map((outcome) =>
          outcome === 'not-now' ? (
            <Button
              key={outcome}
              className="button button--small"
              aria-expanded={notNow}
              isDisabled={busy}
              onPress={() => setNotNow(!notNow)}
            >
              {t('outbound.outcome.not-now')}
            </Button>
          ) : (
            <Button
              key={outcome}
              className="button button--small"
              isDisabled={busy}
              onPress={() => {
                setNotNow(false);
                void record(outcome);
              }}
            >
              {t(`outbound.outcome.${outcome}`)}
            </Button>
          ),
        )}
      </div>
      {notNow && (
        <NotNowForm isDisabled={busy} onSave={(dueAt) => record('not-now', dueAt)} onCancel={() => setNotNow(false)} />
      )}
      {problem && (
        <p role="alert" className="field__error">
          {problem}
        </p>
      )}
    </div>
  );
}

/** Where an entry stands: pending, being called, or what came of it. */
function statusText(entry: OutboundEntry, t: TFunction): string {
  if (entry.status === 'pending') return t('outbound.status.pending');
  if (entry.status === 'calling') return t('outbound.status.calling');
  return entry.outcome ? t(`outbound.status.${entry.outcome}`) : t('outbound.status.done');
}

function EntryItem({ entry }: { entry: OutboundEntry }) {
  const { t } = useTranslation();
  const calling = entry.status === 'calling';
  const state = calling ? 'calling' : entry.status === 'done' ? (entry.outcome ?? 'done') : 'pending';
  return (
    <li
      className={`outbound-entry outbound-entry--${state}${calling ? ' outbound-entry--current' : ''}`}
      aria-current={calling ? 'true' : undefined}
    >
      <span className="outbound-entry__position">{entry.position + 1}</span>
      <div className="outbound-entry__body">
        <div className="outbound-entry__top">
          <strong className="outbound-entry__who">{entry.name || entry.number}</strong>
          {entry.name && <span className="call__number">{entry.number}</span>}
          <span className={`outbound-entry__status outbound-entry__status--${state}`}>{statusText(entry, t)}</span>
          {entry.attempts > 0 && (
            <span className="outbound-entry__attempts">{t('outbound.attempts', { count: entry.attempts })}</span>
          )}
        </div>
        {entry.note && <p className="outbound-entry__note">{entry.note}</p>}
        {calling && <OutcomeButtons entry={entry} />}
      </div>
    </li>
  );
}

/** The entries shown: all of a short list; of a long one, a window from just before the next to call. */
function useEntryWindow(entries: OutboundEntry[]) {
  const [more, setMore] = useState({ before: 0, after: 0 });
  if (entries.length <= WINDOW_FROM) return { shown: entries, hiddenBefore: 0, hiddenAfter: 0, setMore, more };
  const calling = entries.findIndex((entry) => entry.status === 'calling');
  const open = entries.findIndex((entry) => entry.status !== 'done');
  const anchor = calling >= 0 ? calling : open >= 0 ? open : entries.length;
  const start = Math.max(0, anchor - WINDOW_BEFORE - more.before);
  const end = Math.min(entries.length, Math.max(anchor, start) + WINDOW_AFTER + more.after);
  return {
    shown: entries.slice(start, end),
    hiddenBefore: start,
    hiddenAfter: entries.length - end,
    setMore,
    more,
  };
}

function ListView({ list, callUp, entryCalling }: { list: OutboundList; callUp: boolean; entryCalling: boolean }) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [listDone, setListDone] = useState(false);
  const [problem, setProblem] = useState<string>();
  const entries = useMemo(() => [...list.entries].sort((a, b) => a.position - b.position), [list.entries]);
  const done = entries.filter((entry) => entry.status === 'done').length;
  const allDone = entries.length > 0 && done === entries.length;
  const { shown, hiddenBefore, hiddenAfter, setMore, more } = useEntryWindow(entries);

  const run = async (command: Command) => {
    setBusy(true);
    setProblem(undefined);
    const result = await send(command);
    setBusy(false);
    return result;
  };

  const callNext = async () => {
    setListDone(false);
    const result = await run({ type: 'outbound.next', listId: list.id });
    if (result.ok) return;
    if (result.error.message === 'list-done') setListDone(true);
    else setProblem(t('outbound.failed', { message: problemText(result.error, t) }));
  };

  const remove = async () => {
    const result = await run({ type: 'outbound.remove', listId: list.id });
    if (!result.ok) setProblem(t('outbound.failed', { message: problemText(result.error, t) }));
  };

  const percent = entries.length > 0 ? Math.round((done / entries.length) * 100) : 0;
  return (
    <section className="outbound-list" aria-labelledby={titleId}>
      <header className="outbound-list__head">
        <h3 id={titleId} className="outbound-list__name">
          {list.name}
        </h3>
        <p className="outbound-list__progress">
          {list.source === 'crm' && <span className="tag">{t('outbound.fromCrm')}</span>}{' '}
          {t('outbound.progress', { done, total: entries.length })}
        </p>
      </header>
      <div className="outbound-list__bar" aria-hidden="true">
        <span style={{ width: `${percent}%` }} />
      </div>
      <div className="call__actions">
        <Button
          className="button button--answer"
          isDisabled={busy || callUp || entryCalling}
          onPress={() => void callNext()}
        >
          {t('outbound.callNext')}
        </Button>
        {/* Removing a list: the agent confirms first. */}
        {list.source === 'file' && (
          <ConfirmButton
            label={t('outbound.remove')}
            className="button button--small"
            placement="bottom end"
            isDisabled={busy}
            title={t('outbound.removeTitle')}
            body={t('outbound.removeBody', { name: list.name })}
            confirmLabel={t('outbound.removeConfirm')}
            keepLabel={t('outbound.removeKeep')}
            onConfirm={() => void remove()}
          />
        )}
      </div>
      {(callUp || entryCalling) && !allDone && (
        <p className="field__help">{callUp ? t('outbound.waitCall') : t('outbound.waitOutcome')}</p>
      )}
      {(listDone || allDone) && (
        <p role="status" className="outbound-list__done">
          {t('outbound.listDone')}
        </p>
      )}
      {problem && (
        <p role="alert" className="field__error">
          {problem}
        </p>
      )}
      {hiddenBefore > 0 && (
        <Button
          className="button button--small button--quiet outbound-list__more"
          onPress={() => setMore({ ...more, before: more.before + WINDOW_STEP })}
        >
          {t('outbound.showEarlier', { count: Math.min(WINDOW_STEP, hiddenBefore) })}
        </Button>
      )}
      <ol className="outbound-list__entries" aria-label={t('outbound.entries')}>
        {shown.map((entry) => (
          <EntryItem key={entry.id} entry={entry} />
        ))}
      </ol>
      {hiddenAfter > 0 && (
        <Button
          className="button button--small button--quiet outbound-list__more"
          onPress={() => setMore({ ...more, after: more.after + WINDOW_STEP })}
        >
          {t('outbound.showLater', { count: Math.min(WINDOW_STEP, hiddenAfter) })}
        </Button>
      )}
    </section>
  );
}

/** The outbound lists: import one from a CSV file, then work each in order, recording each call's outcome. */
export function OutboundPanel({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const lists = useSoftphone((s) => s.outbound);
  const callUp = useSoftphone((s) => s.calls.some((call) => call.state !== 'ended'));
  // One entry at a time: while one waits for its outcome, no list dials the next.
  const entryCalling = lists.some((list) =>
    list.entries.some((entry) => entry.status === 'calling' && entry.outcome === undefined),
  );
  return (
    <section className="outbound" aria-label={t('outbound.title')}>
      <header className="callbacks__head">
        <h2>{t('outbound.title')}</h2>
        <Button className="button button--small" onPress={onClose}>
          {t('outbound.closePanel')}
        </Button>
      </header>
      <ImportList />
      {lists.length === 0 ? (
        <p className="pop__muted">{t('outbound.none')}</p>
      ) : (
        lists.map((list) => <ListView key={list.id} list={list} callUp={callUp} entryCalling={entryCalling} />)
      )}
    </section>
  );
}
