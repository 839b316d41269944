import { Label, ProgressBar } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { SyncProgress } from '../../../../src/contract/index.js';
import { percentOf, timeLeft } from './syncText.js';

/**
 * A first sync in progress: how many records are in (of how many, when the CRM says), how fast,
 * and how long still. It sits in the page's flow, above the customer search, and never blocks it:
 * the agent takes calls while it runs.
 */
export function FirstSyncProgress({ progress }: { progress: SyncProgress }) {
  const { t, i18n } = useTranslation();
  const number = (value: number) => Math.round(value).toLocaleString(i18n.language);
  const percent = percentOf(progress);
  const total = percent === undefined ? undefined : progress.total;
  const received =
    total === undefined
      ? t('sync.first.receivedSoFar', { count: progress.received, received: number(progress.received) })
      : t('sync.first.receivedOf', { received: number(progress.received), total: number(total) });
  const details = [
    received,
    progress.perSecond > 0 ? t('sync.first.rate', { rate: number(progress.perSecond) }) : undefined,
    progress.secondsLeft !== undefined ? timeLeft(progress.secondsLeft, t) : undefined,
  ].filter(Boolean);
  return (
    <div className="first-sync" data-testid="first-sync">
      <ProgressBar
        className="progress"
        value={total === undefined ? undefined : Math.min(progress.received, total)}
        maxValue={total ?? 100}
        isIndeterminate={total === undefined}
        valueLabel={percent === undefined ? received : `${percent}% · ${received}`}
      >
        <div className="progress__top">
          <Label className="progress__label">{t('sync.first.title')}</Label>
          {percent !== undefined && (
            <span className="progress__value" aria-hidden="true">
              {percent}%
            </span>
          )}
        </div>
        <div className={total === undefined ? 'progress__track progress__track--busy' : 'progress__track'}>
          <div className="progress__fill" style={percent === undefined ? undefined : { width: `${percent}%` }} />
        </div>
      </ProgressBar>
      <p className="first-sync__detail">{details.join(' · ')}</p>
      <p className="field__help">{t('sync.first.help')}</p>
    </div>
  );
}
