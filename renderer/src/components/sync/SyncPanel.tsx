import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../../../src/contract/index.js';
import { useNow } from '../../hooks/useNow.js';
import { useSoftphone } from '../../state/store.js';
import { FirstSyncProgress } from './FirstSyncProgress.js';
import { syncTone } from './SyncIndicator.js';
import { SyncProblemItem, commandError } from './SyncProblemItem.js';
import { ago, dateTime } from './syncText.js';

function When({ at, now }: { at?: number; now: number }) {
  const { t, i18n } = useTranslation();
  if (at === undefined) return <>{t('sync.never')}</>;
  return (
    <>
      {dateTime(at, i18n.language)} ({ago(now - at, t)})
    </>
  );
}

/** Why the CRM sync does not work, in words, and when it tries again. */
function SyncError({ error }: { error: NonNullable<SyncStatus['error']> }) {
  const { t } = useTranslation();
  const now = useNow(error.retryAt !== undefined);
  const seconds = error.retryAt === undefined ? undefined : Math.max(0, Math.ceil((error.retryAt - now) / 1000));
  return (
    <div className="sync-error" data-testid="sync-error" data-code={error.code}>
      <p role="alert" className="sync-error__what">
        {t(`sync.error.${error.code}`)}
      </p>
      {error.message && <p className="field__help">{t('sync.errorDetail', { message: error.message })}</p>}
      {seconds !== undefined && (
        <p className="sync-error__retry">
          {seconds > 0 ? t('sync.retryIn', { count: seconds }) : t('sync.retryingNow')}
        </p>
      )}
    </div>
  );
}

/**
 * The CRM sync for the agent: its state in plain words, the server, when it last received and
 * sent, what waits, what went wrong, "Sync now", and the changes the CRM did not take, each with
 * the agent's choice. Shown beside the calls, in place of the customer column, so the call
 * controls stay where they are.
 */
export function SyncPanel({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const sync = useSoftphone((s) => s.sync);
  const send = useSoftphone((s) => s.send);
  const now = useNow(sync.lastPullAt !== undefined || sync.lastPushAt !== undefined, 15_000);
  const [syncing, setSyncing] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const problems = sync.problems;

  const syncNow = async () => {
    setSyncing(true);
    setOutcome(undefined);
    const result = await send({ type: 'sync.now' });
    setSyncing(false);
    setOutcome(
      result.ok
        ? { ok: true, text: t('sync.nowAsked') }
        : { ok: false, text: t('sync.nowFailed', { message: commandError(result.error, t) }) },
    );
  };

  return (
    <section
      id="sync-panel"
      className="sync-panel"
      aria-labelledby="sync-title"
      data-testid="sync-panel"
      data-sync-state={sync.state}
    >
      <div className="sync-panel__head">
        <h2 id="sync-title">{t('sync.title')}</h2>
        <Button className="button" onPress={onClose}>
          {t('sync.close')}
        </Button>
      </div>
      <p className={`sync-panel__state sync-panel__state--${syncTone(sync, false)}`}>{t(`sync.state.${sync.state}`)}</p>
      {sync.firstSync && <FirstSyncProgress progress={sync.firstSync} />}
      {sync.error && <SyncError error={sync.error} />}
      <dl className="sync-panel__facts">
        <dt>{t('sync.server')}</dt>
        <dd>{sync.server ?? '—'}</dd>
        <dt>{t('sync.lastPull')}</dt>
        <dd>
          <When at={sync.lastPullAt} now={now} />
        </dd>
        <dt>{t('sync.lastPush')}</dt>
        <dd>
          <When at={sync.lastPushAt} now={now} />
        </dd>
        <dt>{t('sync.waiting')}</dt>
        <dd data-testid="sync-pending">
          {sync.pending === 0 ? t('sync.pendingNone') : t('sync.pending', { count: sync.pending })}
        </dd>
      </dl>
      <div className="settings__actions">
        <Button
          className="button button--primary"
          isDisabled={sync.state === 'off' || syncing}
          onPress={() => void syncNow()}
        >
          {t('sync.now')}
        </Button>
        <span role="status" className={outcome?.ok === false ? 'outcome outcome--error' : 'outcome'}>
          {outcome?.text}
        </span>
      </div>

      <h3 id="sync-problems-title">{t('sync.problemsTitle')}</h3>
      {problems.length === 0 ? (
        <p className="pop__muted">{t('sync.noProblems')}</p>
      ) : (
        <>
          <p className="field__help">{t('sync.problemsHelp')}</p>
          <ul className="sync-problems" aria-labelledby="sync-problems-title">
            {problems.map((problem) => (
              <li key={problem.mutationId}>
                <SyncProblemItem problem={problem} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
