import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GuidanceView } from '../../../../src/contract/index.js';
import { useSoftphone } from '../../state/store.js';
import { languageName, phasesAround, useFocusedGuidance, useTicks, type Act } from './guidanceState.js';
import { HoldGuide, ThanksGuide } from './HoldGuide.js';
import { NotesAndKnowledge } from './NotesAndKnowledge.js';
import { CurrentPhase, NextPhase, PhaseList } from './Phases.js';
import { Procedures } from './Procedures.js';
import { useGuidanceKeys } from './useGuidanceKeys.js';

/** Required items of phases already passed that nobody ticked: they show as missed in the trail. */
function RequiredOpen({ view }: { view: GuidanceView }) {
  const { t } = useTranslation();
  const titleId = useId();
  return (
    <section className="required-open" aria-labelledby={titleId}>
      <h3 id={titleId} className="required-open__title">
        {t('guidance.requiredOpen')}
      </h3>
      <ul className="required-open__list">
        {view.requiredOpen.map((open) => (
          <li key={`${open.phase}/${open.item}`}>
            {open.text}
            <span className="required-open__phase">
              {' '}
              · {view.phases.find((phase) => phase.id === open.phase)?.title ?? open.phase}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Outbound, early in the call: the person has no time now. A callback is agreed instead. */
function NotNow({ view, act }: { view: GuidanceView; act: Act }) {
  const { t } = useTranslation();
  if (view.notNowAt !== undefined)
    return (
      <p className="guidance__not-now" role="status">
        {t('guidance.notNow.done')}
      </p>
    );
  if (view.ended || !['introduce', 'check-time', 'purpose'].includes(view.current)) return null;
  return (
    <button
      type="button"
      className="guidance__not-now-button"
      onClick={() => void act({ type: 'guidance.notNow', callId: view.callId })}
    >
      {t('guidance.notNow.button')}
    </button>
  );
}

function Guidance({ view }: { view: GuidanceView }) {
  const { t, i18n } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const [error, setError] = useState<string>();
  const [announcement, setAnnouncement] = useState('');
  const { current, next } = phasesAround(view);

  // Say where the guidance went, whoever moved it (the call, the clock, the agent's keys).
  const [announcedPhase, setAnnouncedPhase] = useState(view.current);
  if (view.current !== announcedPhase) {
    setAnnouncedPhase(view.current);
    if (current) setAnnouncement(t('guidance.nowAt', { title: current.title }));
  }

  const act = useCallback<Act>(
    async (command, options) => {
      const result = await send(command);
      if (!options?.quiet)
        setError(
          result.ok
            ? undefined
            : t(`guidance.error.${result.error.message}`, {
                defaultValue: t('guidance.error.failed', { message: result.error.message }),
              }),
        );
      return result;
    },
    [send, t],
  );
  const ticks = useTicks(view, act);
  const onTicked = useCallback(
    (text: string, done: boolean) =>
      setAnnouncement(t(done ? 'guidance.keys.ticked' : 'guidance.keys.unticked', { text })),
    [t],
  );
  useGuidanceKeys(view, act, ticks, onTicked);

  return (
    <section className={view.ended ? 'guidance guidance--ended' : 'guidance'} aria-label={t('guidance.title')}>
      <header className="guidance__head">
        <h2 className="guidance__title">{t('guidance.title')}</h2>
        <p
          className="guidance__script"
          title={t('guidance.scriptTitle', {
            name: view.script.name,
            language: languageName(view.script.language, i18n.language),
            version: view.script.version,
          })}
        >
          {view.script.name} · {view.script.language.toUpperCase()}
        </p>
      </header>
      {error && (
        <p role="alert" className="field__error guidance__error">
          {error}
        </p>
      )}
      {view.ended && <p className="pop__muted guidance__ended">{t('guidance.ended')}</p>}
      {view.hold && <HoldGuide hold={view.hold} />}
      {view.thanks && <ThanksGuide lines={view.thanks} />}
      <PhaseList view={view} act={act} />
      {current && <CurrentPhase view={view} phase={current} ticks={ticks} act={act} />}
      {view.direction === 'out' && <NotNow view={view} act={act} />}
      {view.requiredOpen.length > 0 && <RequiredOpen view={view} />}
      {next && <NextPhase phase={next} />}
      {!view.ended && <Procedures view={view} act={act} />}
      <NotesAndKnowledge view={view} act={act} />
      <p className="guidance__keys">{t('guidance.keys.hint')}</p>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </section>
  );
}

/**
 * Live call guidance for the call the desk is about (the one the customer column shows): the phases,
 * what to say and check now, the hold etiquette, the procedures, the notes. Nothing without a script.
 */
export function GuidancePanel() {
  const view = useFocusedGuidance();
  if (!view) return null;
  return <Guidance key={view.callId} view={view} />;
}
