import { useId, useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { GuidanceView, ProcedureView } from '../../../../src/contract/index.js';
import type { Act } from './guidanceState.js';
import { timeOfDay } from './guidanceState.js';
import { SayLines, Tips } from './SayLines.js';

/** One procedure, open: what to say, what to keep in mind, and its steps. */
function Procedure({ view, procedure, act }: { view: GuidanceView; procedure: ProcedureView; act: Act }) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const [marked, setMarked] = useState(false);
  const run = (action: 'warn' | 'end' | 'mark') =>
    act({ type: 'guidance.procedure', callId: view.callId, procedure: procedure.id, action });
  const wasMarked =
    marked || view.trail.some((entry) => entry.kind === 'procedure' && entry.item === 'unidentified.marked');
  return (
    <section
      id={`procedure-${procedure.id}`}
      className={`procedure procedure--${procedure.id}`}
      aria-labelledby={titleId}
    >
      <h3 id={titleId} className="procedure__title">
        {procedure.title}
      </h3>
      <SayLines lines={procedure.say} />
      <Tips tips={procedure.tips} />
      {procedure.id === 'abusive' && (
        <>
          <div className="call__actions">
            <Button
              className="button"
              isDisabled={procedure.warnedAt !== undefined || view.ended}
              onPress={() => void run('warn')}
            >
              {t('guidance.procedure.warn')}
            </Button>
            <Button
              className="button button--danger"
              isDisabled={!procedure.canEnd || view.ended}
              onPress={() => void run('end')}
            >
              {t('guidance.procedure.end')}
            </Button>
          </div>
          <p className="procedure__state">
            {procedure.warnedAt !== undefined
              ? t('guidance.procedure.warnedAt', { time: timeOfDay(procedure.warnedAt, i18n.language) })
              : t('guidance.procedure.endAfterWarning')}
          </p>
        </>
      )}
      {procedure.id === 'nuisance' && (
        <div className="call__actions">
          <Button
            className="button button--danger"
            isDisabled={!procedure.canEnd || view.ended}
            onPress={() => void run('end')}
          >
            {t('guidance.procedure.end')}
          </Button>
        </div>
      )}
      {procedure.id === 'unidentified' && (
        <>
          <div className="call__actions">
            <Button
              className="button"
              isDisabled={wasMarked}
              onPress={() =>
                void run('mark').then((result) => {
                  if (result.ok) setMarked(true);
                })
              }
            >
              {t('guidance.procedure.mark')}
            </Button>
          </div>
          {wasMarked && <p className="procedure__state">{t('guidance.procedure.marked')}</p>}
        </>
      )}
      {procedure.id === 'escalate' && <p className="procedure__state">{t('guidance.procedure.transferHint')}</p>}
    </section>
  );
}

/** The procedures for moments the normal flow does not cover, a press away; an open one shows below. */
export function Procedures({ view, act }: { view: GuidanceView; act: Act }) {
  const { t } = useTranslation();
  if (view.procedures.length === 0) return null;
  const open = view.procedures.filter((procedure) => procedure.open);
  return (
    <div className="procedures">
      <p className="procedures__label" aria-hidden="true">
        {t('guidance.procedures')}
      </p>
      <div className="procedures__row" role="group" aria-label={t('guidance.procedures')}>
        {view.procedures.map((procedure) => (
          <Button
            key={procedure.id}
            className={`button button--small procedures__button procedures__button--${procedure.id}`}
            aria-expanded={procedure.open}
            aria-controls={procedure.open ? `procedure-${procedure.id}` : undefined}
            onPress={() =>
              void act({
                type: 'guidance.procedure',
                callId: view.callId,
                procedure: procedure.id,
                action: procedure.open ? 'close' : 'open',
              })
            }
          >
            {procedure.title}
          </Button>
        ))}
      </div>
      {open.map((procedure) => (
        <Procedure key={procedure.id} view={view} procedure={procedure} act={act} />
      ))}
    </div>
  );
}
