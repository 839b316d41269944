import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../../../src/contract/index.js';
import { useNow } from '../../hooks/useNow.js';
import { useSoftphone } from '../../state/store.js';
import { indicatorParts } from './syncText.js';

/**
 * How the sync is coloured: a stopped sync stands out, an offline CRM less; with `problems`, so do
 * changes waiting for the agent's decision (the indicator), without them only the state (its words).
 */
export function syncTone(sync: SyncStatus, problems = true): 'ok' | 'busy' | 'warn' | 'bad' {
  if ((problems && sync.problems.length > 0) || sync.state === 'failing') return 'bad';
  if (sync.state === 'offline') return 'warn';
  if (sync.state === 'idle') return 'ok';
  return 'busy';
}

/**
 * The CRM sync in the status bar, beside the line: one short line ("CRM: up to date · synced 2 min
 * ago", "CRM: offline — 12 changes waiting", "CRM: 1 problem"), a button that opens the sync panel.
 * Nothing when no CRM is set up. Screen readers hear only the changes that matter (the CRM gone or
 * back, a new problem), not every minute of "synced … ago" nor every percent of a first sync.
 */
export function SyncIndicator({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  const { t, i18n } = useTranslation();
  const sync = useSoftphone((s) => s.sync);
  const now = useNow(sync.state !== 'off' && sync.lastPullAt !== undefined, 15_000);
  if (sync.state === 'off') return null;
  const problems = sync.problems.length;
  const announcement = [
    sync.state === 'failing'
      ? t('sync.announce.failing')
      : sync.state === 'offline'
        ? t('sync.announce.offline')
        : t('sync.announce.working'),
    problems > 0 ? t('sync.announce.problems', { count: problems }) : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      className={`sync-indicator sync-indicator--${syncTone(sync)}`}
      data-testid="sync-indicator"
      data-sync-state={sync.state}
      data-problems={problems}
    >
      <Button
        className="sync-indicator__button"
        aria-expanded={open}
        aria-controls={open ? 'sync-panel' : undefined}
        onPress={onToggle}
      >
        <span className="sync-indicator__dot" aria-hidden="true" />
        <span>
          {t('sync.indicator.prefix')} {indicatorParts(sync, now, t, i18n.language).join(' · ')}
        </span>
      </Button>
      <span role="status" aria-label={t('sync.label')} className="visually-hidden">
        {announcement}
      </span>
    </div>
  );
}
