import { useId } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { GuidancePhase, GuidanceView, PhaseStatus } from '../../../../src/contract/index.js';
import type { Act, Ticks } from './guidanceState.js';
import { SayLines, Tips } from './SayLines.js';

const MARK: Record<PhaseStatus, string> = { done: '✓', current: '▸', upcoming: '○', skipped: '–' };

/** Every phase of the call in order, with where it stands; a press moves the guidance there. */
export function PhaseList({ view, act }: { view: GuidanceView; act: Act }) {
  const { t } = useTranslation();
  return (
    <ol className="phases" aria-label={t('guidance.phases')}>
      {view.phases.map((phase) => {
        const status = t(`guidance.status.${phase.status}`);
        return (
          <li
            key={phase.id}
            className={`phases__item phases__item--${phase.status}`}
            aria-current={phase.status === 'current' ? 'step' : undefined}
            title={status}
          >
            <span className="phases__mark" aria-hidden="true">
              {MARK[phase.status]}
            </span>
            <Button
              className="phases__button"
              onPress={() => {
                if (phase.id !== view.current)
                  void act({ type: 'guidance.phase', callId: view.callId, phase: phase.id });
              }}
            >
              {phase.title}
            </Button>
            <span className="visually-hidden">, {status}</span>
          </li>
        );
      })}
    </ol>
  );
}

/** The phase's checklist: Alt+1 … Alt+9 tick the first nine items from anywhere on the desk. */
function Checklist({ phase, ticks }: { phase: GuidancePhase; ticks: Ticks }) {
  const { t } = useTranslation();
  const id = useId();
  if (phase.checklist.length === 0) return null;
  return (
    <ul className="checklist" aria-label={t('guidance.checklist')}>
      {phase.checklist.map((item, index) => {
        const done = ticks.isDone(phase.id, item);
        const requiredId = `${id}-${index}-required`;
        const key = index < 9 ? `Alt+${index + 1}` : undefined;
        return (
          <li
            key={item.id}
            className={`checklist__item${done ? ' checklist__item--done' : ''}`}
            title={key && t('guidance.keys.tick', { key })}
          >
            <label className="checklist__label">
              <input
                type="checkbox"
                checked={done}
                aria-describedby={item.required ? requiredId : undefined}
                aria-keyshortcuts={key}
                onChange={(event) => ticks.tick(phase.id, item.id, event.target.checked)}
              />
              <span>{item.text}</span>
            </label>
            {item.required && (
              <span id={requiredId} className="checklist__required">
                {t('guidance.required')}
              </span>
            )}
            {key && (
              <kbd className="checklist__key" aria-hidden="true">
                {key}
              </kbd>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** What to say and check now: the phase the call is in. */
export function CurrentPhase({
  view,
  phase,
  ticks,
  act,
}: {
  view: GuidanceView;
  phase: GuidancePhase;
  ticks: Ticks;
  act: Act;
}) {
  const { t } = useTranslation();
  const position = view.phases.indexOf(phase);
  return (
    <section className="phase phase--current" aria-label={t('guidance.currentPhase')}>
      <div className="phase__head">
        <p className="phase__kicker" aria-hidden="true">
          {t('guidance.now', { n: position + 1, of: view.phases.length })}
        </p>
        <div className="phase__steps">
          <button
            type="button"
            className="button button--small"
            disabled={position <= 0}
            title={t('guidance.keys.previous')}
            aria-keyshortcuts="Alt+PageUp"
            aria-label={t('guidance.previousStep')}
            onClick={() => void act({ type: 'guidance.step', callId: view.callId, delta: -1 })}
          >
            <span aria-hidden="true">‹</span>
          </button>
          <button
            type="button"
            className="button button--small"
            disabled={position >= view.phases.length - 1}
            title={t('guidance.keys.next')}
            aria-keyshortcuts="Alt+PageDown"
            aria-label={t('guidance.nextStep')}
            onClick={() => void act({ type: 'guidance.step', callId: view.callId, delta: 1 })}
          >
            <span aria-hidden="true">›</span>
          </button>
        </div>
      </div>
      <h3 className="phase__title">{phase.title}</h3>
      <SayLines lines={phase.say} />
      <Tips tips={phase.tips} />
      <Checklist phase={phase} ticks={ticks} />
    </section>
  );
}

/** The phase after this one, dimmed: what comes next at a glance. */
export function NextPhase({ phase }: { phase: GuidancePhase }) {
  const { t } = useTranslation();
  return (
    <section className="phase phase--next" aria-label={t('guidance.nextPhase')}>
      <p className="phase__kicker" aria-hidden="true">
        {t('guidance.next')}
      </p>
      <h3 className="phase__title">{phase.title}</h3>
      <SayLines lines={phase.say} />
    </section>
  );
}
