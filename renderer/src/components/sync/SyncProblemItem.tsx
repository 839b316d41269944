import { useId, useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ContractError, SyncFieldDiff, SyncProblem } from '../../../../src/contract/index.js';
import { useSoftphone } from '../../state/store.js';
import { ConfirmButton } from '../ConfirmDialog.js';
import { dateTime, fieldLabel, formatValue, kindLabel } from './syncText.js';

/** A command's refusal in the agent's words. */
export function commandError(error: ContractError, t: TFunction): string {
  if (error.message === 'core-unreachable') return t('error.core-unreachable');
  // The core puts its reason in plain words in the first issue (e.g. "This change is no longer
  // waiting for a decision."); the message itself is a code.
  if (error.code === 'invalid') {
    return t('sync.commandError.invalid', { message: error.issues?.[0]?.message || error.message });
  }
  return t(`error.${error.code}`);
}

function Value({ value, field }: { value: unknown; field: string }) {
  const { t, i18n } = useTranslation();
  const text = formatValue(value, field, t, i18n.language);
  if (text === undefined)
    return (
      <>
        <span aria-hidden="true">—</span>
        <span className="visually-hidden">{t('sync.value.none')}</span>
      </>
    );
  return <span className="sync-diff__value">{text}</span>;
}

/** Field by field: the agent's value and, where the CRM sent one, the CRM's. */
function DiffTable({ fields, who, theirs }: { fields: SyncFieldDiff[]; who: string; theirs: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="sync-diff__scroll">
      <table className="sync-diff" aria-label={t(theirs ? 'sync.diff.caption' : 'sync.diff.captionMine', { who })}>
        <thead>
          <tr>
            <th scope="col">{t('sync.diff.field')}</th>
            <th scope="col">{t('sync.diff.mine')}</th>
            {theirs && <th scope="col">{t('sync.diff.theirs')}</th>}
          </tr>
        </thead>
        <tbody>
          {fields.map((diff) => {
            const differs = theirs && JSON.stringify(diff.mine) !== JSON.stringify(diff.theirs);
            return (
              <tr key={diff.field} data-field={diff.field} className={differs ? 'sync-diff__row--differs' : undefined}>
                <th scope="row">{fieldLabel(diff.field, t)}</th>
                <td>
                  <Value value={diff.mine} field={diff.field} />
                </td>
                {theirs && (
                  <td>
                    <Value value={diff.theirs} field={diff.field} />
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * One change the CRM did not take: who it is about, what it was, when it was written, and the
 * agent's choice. A conflict shows both versions side by side; a rejection shows the CRM's words.
 */
export function SyncProblemItem({ problem }: { problem: SyncProblem }) {
  const { t, i18n } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const headingId = useId();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const who = problem.label || t('sync.problem.unnamed');
  const kind = kindLabel(problem.kind, t);
  const conflict = problem.type === 'conflict';
  const showTheirs = conflict || problem.fields.some((diff) => diff.theirs !== undefined);

  const resolve = async (choice: 'mine' | 'theirs') => {
    setBusy(true);
    setFailure(undefined);
    const result = await send({ type: 'sync.resolve', mutationId: problem.mutationId, choice });
    setBusy(false);
    if (!result.ok) setFailure(t('sync.problem.resolveFailed', { message: commandError(result.error, t) }));
  };

  return (
    <article
      className={`sync-problem sync-problem--${problem.type}`}
      aria-labelledby={headingId}
      data-testid="sync-problem"
      data-mutation-id={problem.mutationId}
      data-problem-type={problem.type}
    >
      <h4 id={headingId} className="sync-problem__who">
        {who}
      </h4>
      <p className="sync-problem__meta">
        {kind} · {t('sync.problem.written', { time: dateTime(problem.createdAt, i18n.language) })}
      </p>
      <p className="sync-problem__what">
        <strong>{conflict ? t('sync.problem.conflict') : t('sync.problem.rejected')}</strong>{' '}
        {conflict ? t('sync.problem.conflictHelp') : t('sync.problem.rejectedHelp')}
      </p>
      {!conflict && (problem.message || problem.code) && (
        <p className="sync-problem__message">
          {problem.message
            ? t('sync.problem.crmSays', { message: problem.message })
            : t(`sync.rejection.${problem.code}`, { defaultValue: problem.code })}
        </p>
      )}
      {problem.fields.length > 0 && <DiffTable fields={problem.fields} who={who} theirs={showTheirs} />}
      <div className="call__actions">
        {conflict ? (
          <>
            <Button className="button button--primary" isDisabled={busy} onPress={() => void resolve('mine')}>
              {t('sync.problem.keepMine')}
            </Button>
            <Button className="button" isDisabled={busy} onPress={() => void resolve('theirs')}>
              {t('sync.problem.useTheirs')}
            </Button>
          </>
        ) : (
          <>
            <Button className="button button--primary" isDisabled={busy} onPress={() => void resolve('mine')}>
              {t('sync.problem.sendAgain')}
            </Button>
            {/* Dropping a refused change takes it out of the send queue: the agent confirms first. */}
            <ConfirmButton
              label={t('sync.problem.drop')}
              placement="bottom start"
              isDisabled={busy}
              title={t('sync.drop.title', { who })}
              body={t('sync.drop.body')}
              confirmLabel={t('sync.drop.confirm')}
              keepLabel={t('sync.drop.cancel')}
              onConfirm={() => void resolve('theirs')}
            />
          </>
        )}
      </div>
      {!conflict && <p className="field__help">{t('sync.problem.sendAgainHelp')}</p>}
      {failure && (
        <p role="alert" className="field__error">
          {failure}
        </p>
      )}
    </article>
  );
}
