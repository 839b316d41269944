import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { PracticeReview, PracticeSummary } from '../../../../src/contract/index.js';
import { timeOfDay } from '../work/workText.js';

const seconds = (ms: number) => Math.round(ms / 1000);

/** One finding in the agent's words: what went well, what to work on. */
function Finding({ finding }: { finding: PracticeReview['findings'][number] }) {
  const { t } = useTranslation();
  const values: Record<string, string | number> = { ...finding.values };
  if (typeof values.phase === 'string') values.phase = t(`practice.phase.${values.phase}`);
  if (typeof values.fields === 'string')
    values.fields = values.fields
      .split(',')
      .map((field) => t(`wrapup.field.${field.trim()}`))
      .join(', ');
  return (
    <li className={`practice-finding practice-finding--${finding.kind}`} data-code={finding.code}>
      <span aria-hidden="true">{finding.kind === 'good' ? '✓ ' : '→ '}</span>
      <span className="visually-hidden">{t(`practice.kind.${finding.kind}`)}: </span>
      {t(`practice.finding.${finding.code}`, values)}
    </li>
  );
}

/** The review of one practice call: the phases, the hold, the wrap-up and the time to answer. */
export function PracticeReviewCard({
  review,
  title,
  onDismiss,
}: {
  review: PracticeReview;
  title: string;
  onDismiss?: () => void;
}) {
  const { t, i18n } = useTranslation();
  const who = review.customerName ?? review.number;
  return (
    <section className="practice-review" aria-label={title}>
      <h2 className="practice-review__title">{title}</h2>
      <p className="pop__muted">
        {t(review.direction === 'in' ? 'practice.callIn' : 'practice.callOut', {
          who,
          time: timeOfDay(review.startedAt, i18n.language),
        })}
      </p>
      <dl className="practice-review__facts">
        {review.timeToAnswerMs !== undefined && (
          <>
            <dt>{t('practice.timeToAnswer')}</dt>
            <dd data-testid="practice-time-to-answer">
              {t('practice.seconds', { count: seconds(review.timeToAnswerMs) })}
            </dd>
          </>
        )}
        <dt>{t('practice.holds')}</dt>
        <dd data-testid="practice-holds">
          {review.hold.count === 0
            ? t('practice.noHold')
            : t('practice.holdFacts', {
                count: review.hold.count,
                longest: seconds(review.hold.longestMs),
                reminder: seconds(review.hold.reminderMs),
              })}
        </dd>
        <dt>{t('practice.wrapUp')}</dt>
        <dd data-testid="practice-wrapup">
          {!review.wrapUp.saved
            ? t('practice.wrapUpNotSaved')
            : review.wrapUp.complete
              ? t('practice.wrapUpComplete')
              : t('practice.wrapUpPartly')}
        </dd>
      </dl>
      {review.phases.length > 0 && (
        <ol className="practice-phases" aria-label={t('practice.phases')}>
          {review.phases.map((phase) => (
            <li key={phase.id} className={`practice-phase practice-phase--${phase.result}`} data-result={phase.result}>
              <span>{t(`practice.phase.${phase.id}`)}</span>{' '}
              <span className="practice-phase__result">{t(`practice.result.${phase.result}`)}</span>
            </li>
          ))}
        </ol>
      )}
      <ul className="practice-findings" aria-label={t('practice.findings')}>
        {review.findings.map((finding, index) => (
          <Finding key={`${finding.code}-${index}`} finding={finding} />
        ))}
      </ul>
      {onDismiss && (
        <Button className="button button--small" onPress={onDismiss}>
          {t('practice.dismiss')}
        </Button>
      )}
    </section>
  );
}

/** The figures over every practice call of this session. */
export function PracticeSummaryView({ summary }: { summary: PracticeSummary }) {
  const { t } = useTranslation();
  const items: [string, string | number][] = [
    [t('practice.summary.calls'), summary.calls],
    [t('practice.summary.answered'), summary.answered],
    [
      t('practice.summary.averageAnswer'),
      summary.averageTimeToAnswerMs === undefined
        ? '—'
        : t('practice.seconds', { count: seconds(summary.averageTimeToAnswerMs) }),
    ],
    [
      t('practice.summary.phases'),
      t('practice.summary.phasesValue', { done: summary.phasesDone, missed: summary.phasesMissed }),
    ],
    [t('practice.summary.requiredOpen'), summary.requiredOpen],
    [t('practice.summary.holdsOver'), summary.holdsOverReminder],
    [
      t('practice.summary.wrapUps'),
      t('practice.summary.wrapUpsValue', { complete: summary.wrapUpsComplete, saved: summary.wrapUpsSaved }),
    ],
    [
      t('practice.summary.mostMissed'),
      summary.mostMissedPhase ? t(`practice.phase.${summary.mostMissedPhase}`) : t('practice.summary.none'),
    ],
  ];
  return (
    <section className="practice-summary" aria-label={t('practice.summary.title')}>
      <h2>{t('practice.summary.title')}</h2>
      <dl className="practice-review__facts">
        {items.map(([label, value]) => (
          <div key={label} className="practice-summary__item">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
