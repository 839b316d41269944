import { useTranslation } from 'react-i18next';
import type { GuidanceLine, HoldGuidance } from '../../../../src/contract/index.js';
import { useNow } from '../../hooks/useNow.js';
import { clock } from './guidanceState.js';
import { SayLines } from './SayLines.js';

/** The caller is waiting: for how long, when to go back, and what to say then. */
export function HoldGuide({ hold }: { hold: HoldGuidance }) {
  const { t } = useTranslation();
  const now = useNow(true);
  return (
    <section
      className={hold.overdue ? 'hold-guide hold-guide--overdue' : 'hold-guide'}
      aria-label={t('guidance.hold.label')}
    >
      <p className="hold-guide__timer">
        {t('guidance.hold.for')} <time className="hold-guide__clock">{clock(now - hold.since)}</time>
      </p>
      {hold.overdue ? (
        <div role="alert" className="hold-guide__alert">
          <p className="hold-guide__back">{t('guidance.hold.overdue')}</p>
          <SayLines lines={hold.say} />
        </div>
      ) : (
        <>
          {hold.reminderAt > now && (
            <p className="hold-guide__next">{t('guidance.hold.reminderIn', { time: clock(hold.reminderAt - now) })}</p>
          )}
          {hold.say.length > 0 && <p className="hold-guide__intro">{t('guidance.hold.whenBack')}</p>}
          <SayLines lines={hold.say} />
        </>
      )}
    </section>
  );
}

/** Just back from a hold: thank the caller for waiting. */
export function ThanksGuide({ lines }: { lines: GuidanceLine[] }) {
  const { t } = useTranslation();
  return (
    <section className="thanks-guide" aria-label={t('guidance.thanks')}>
      <p className="thanks-guide__intro">{t('guidance.thanksIntro')}</p>
      <SayLines lines={lines} />
    </section>
  );
}
