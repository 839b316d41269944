import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useSoftphone } from '../../state/store.js';
import { PracticeReviewCard, PracticeSummaryView } from './PracticeReview.js';

/**
 * Marks every screen of a desk in practice mode, so that nobody mistakes a simulated call for a
 * real one, and opens the reviews.
 */
export function PracticeBanner({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  const { t } = useTranslation();
  const practice = useSoftphone((s) => s.practice);
  if (!practice?.enabled) return null;
  return (
    <div role="note" aria-label={t('practice.banner.label')} className="notice practice-banner">
      <strong>{t('practice.banner.title')}</strong> <span>{t('practice.banner.text')}</span>{' '}
      <Button className="button button--small" aria-expanded={open} onPress={onToggle}>
        {t('practice.open', { count: practice.reviews.length })}
      </Button>
    </div>
  );
}

/** After a practice call (its wrap-up saved, no call up): the review of it, until dismissed. */
export function LastPracticeReview() {
  const { t } = useTranslation();
  const practice = useSoftphone((s) => s.practice);
  const busy = useSoftphone((s) => s.calls.some((call) => call.state !== 'ended') || s.wrapUps.length > 0);
  const [dismissed, setDismissed] = useState<string>();
  const last = practice?.enabled ? practice.reviews[0] : undefined;
  if (!last || busy || dismissed === last.callId) return null;
  return (
    <PracticeReviewCard review={last} title={t('practice.lastTitle')} onDismiss={() => setDismissed(last.callId)} />
  );
}

/** Every practice call of the session, newest first, under their summary. */
export function PracticePanel({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const practice = useSoftphone((s) => s.practice);
  return (
    <section className="callbacks practice-panel" aria-label={t('practice.panelTitle')}>
      <header className="callbacks__head">
        <h2>{t('practice.panelTitle')}</h2>
        <Button className="button button--small" onPress={onClose}>
          {t('practice.close')}
        </Button>
      </header>
      {!practice || practice.reviews.length === 0 ? (
        <p className="pop__muted">{t('practice.none')}</p>
      ) : (
        <>
          <PracticeSummaryView summary={practice.summary} />
          {practice.reviews.map((review) => (
            <PracticeReviewCard
              key={review.callId}
              review={review}
              title={t('practice.reviewTitle', { who: review.customerName ?? review.number })}
            />
          ))}
        </>
      )}
    </section>
  );
}
