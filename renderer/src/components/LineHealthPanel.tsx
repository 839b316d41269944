import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useNow } from '../hooks/useNow.js';
import { useSoftphone } from '../state/store.js';

function clock(epoch: number, language: string): string {
  return new Date(epoch).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' });
}

function span(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * The line's health in the agent's words: since when it is up and where, how often it broke today
 * and why, the last failure, and how the recent calls sounded. Also where a diagnostics bundle for
 * IT is made.
 */
export function LineHealthPanel() {
  const { t, i18n } = useTranslation();
  const health = useSoftphone((s) => s.health);
  const history = useSoftphone((s) => s.history);
  const send = useSoftphone((s) => s.send);
  const now = useNow(health.registeredSince !== undefined);
  const [bundle, setBundle] = useState<{ ok: boolean; text: string }>();
  const rated = history.calls.filter((call) => call.qualitySummary).slice(0, 10);

  const createBundle = async () => {
    setBundle(undefined);
    const result = await send({ type: 'diagnostics.create' });
    if (result.ok)
      setBundle({ ok: true, text: t('health.bundleSaved', { file: (result.value as { file: string }).file }) });
    else setBundle({ ok: false, text: t('health.bundleFailed') });
  };

  return (
    <section className="health" aria-labelledby="health-title">
      <h2 id="health-title">{t('health.title')}</h2>
      <dl className="health__facts">
        <dt>{t('health.state')}</dt>
        <dd>
          {health.registeredSince !== undefined
            ? t('health.upSince', {
                time: clock(health.registeredSince, i18n.language),
                duration: span(now - health.registeredSince),
              })
            : t('health.down')}
        </dd>
        <dt>{t('health.server')}</dt>
        <dd>
          {health.server ?? '—'}
          {health.onSecondary && <> ({t('health.secondary')})</>}
        </dd>
        <dt>{t('health.lastFailure')}</dt>
        <dd>
          {health.lastFailure
            ? `${clock(health.lastFailure.at, i18n.language)} · ${t(`line.reason.${health.lastFailure.reason}`)}`
            : t('health.none')}
        </dd>
      </dl>

      <h3>{t('health.reconnects', { count: health.reconnects.length })}</h3>
      {health.reconnects.length > 0 && (
        <ul className="health__list" aria-label={t('health.reconnectsList')}>
          {health.reconnects.map((reconnect) => (
            <li key={reconnect.at}>
              {clock(reconnect.at, i18n.language)} · {t(`line.reason.${reconnect.reason}`)} ·{' '}
              {t('health.downFor', { duration: span(reconnect.downMs) })}
            </li>
          ))}
        </ul>
      )}

      <h3>{t('health.quality')}</h3>
      {rated.length === 0 ? (
        <p>{t('health.noQuality')}</p>
      ) : (
        <ul className="health__list" aria-label={t('health.quality')}>
          {rated.map((call) => (
            <li key={call.id}>
              {clock(call.startedAt, i18n.language)} · {call.remote.displayName ?? call.remote.number} ·{' '}
              {t('health.mos', {
                average: call.qualitySummary!.mosAverage.toFixed(1),
                lowest: call.qualitySummary!.mosLowest.toFixed(1),
              })}
              {call.qualitySummary!.warnings.length > 0 &&
                ` · ${call.qualitySummary!.warnings.map((w) => t(`health.warning.${w}`)).join(', ')}`}
            </li>
          ))}
        </ul>
      )}

      <div className="settings__actions">
        <Button className="button" onPress={() => void createBundle()}>
          {t('health.createBundle')}
        </Button>
        <span role="status" className={bundle?.ok === false ? 'outcome outcome--error' : 'outcome'}>
          {bundle?.text}
        </span>
      </div>
    </section>
  );
}
