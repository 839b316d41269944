import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useNow } from '../hooks/useNow.js';
import type { LineState } from '../../../src/contract/index.js';
import { useSoftphone } from '../state/store.js';
import { SyncIndicator } from './sync/SyncIndicator.js';
import { AgentStateControl } from './work/AgentStateControl.js';
import { CallbacksButton } from './work/CallbacksPanel.js';
import { OutboundButton } from './work/OutboundPanel.js';

function LineDescription({ line }: { line: LineState }) {
  const { t } = useTranslation();
  const now = useNow(line.status === 'failed' && line.retryAt !== undefined);
  switch (line.status) {
    case 'registered':
      return <span>{t('line.registeredAs', { aor: line.aor.replace(/^sip:/, '') })}</span>;
    case 'registering':
      return line.attempt > 0 ? <span>{t('line.attempt', { attempt: line.attempt + 1 })}</span> : null;
    case 'unregistered':
      return null;
    case 'failed': {
      const seconds = line.retryAt === undefined ? undefined : Math.max(0, Math.ceil((line.retryAt - now) / 1000));
      return (
        <span>
          {t(`line.reason.${line.reason}`)}{' '}
          {seconds !== undefined
            ? t('line.retryIn', { count: seconds })
            : line.reason === 'not-configured' || line.reason === 'missing-password'
              ? null
              : t('line.noAutoRetry')}
        </span>
      );
    }
  }
}

function TechnicalDetails({ line }: { line: Extract<LineState, { status: 'failed' }> }) {
  const { t } = useTranslation();
  return (
    <details className="line__details">
      <summary>{t('line.details')}</summary>
      <ul>
        {line.server && <li>{t('line.server', { server: line.server })}</li>}
        {line.code !== undefined && <li>{t('line.serverSaid', { code: line.code, phrase: line.phrase ?? '' })}</li>}
        {line.detail && <li>{t('line.detail', { detail: line.detail })}</li>}
        {line.attempt > 0 && <li>{t('line.attempt', { attempt: line.attempt })}</li>}
      </ul>
    </details>
  );
}

/** Always visible: the line's state in words, and what the agent can do about it. */
export type Panel = 'calls' | 'settings' | 'health' | 'sync' | 'callbacks' | 'outbound' | 'figures' | 'practice';

export function StatusBar({ panel, onPanel }: { panel: Panel; onPanel: (panel: Panel) => void }) {
  const { t } = useTranslation();
  const line = useSoftphone((s) => s.line);
  const send = useSoftphone((s) => s.send);
  const canConnect = line.status === 'failed' || line.status === 'unregistered';
  return (
    <header className="statusbar">
      <AgentStateControl />
      <div role="status" aria-label={t('line.label')} className={`line line--${line.status}`} data-status={line.status}>
        <span className="line__dot" aria-hidden="true" />
        <strong className="line__state">{t(`line.status.${line.status}`)}</strong>
        <span className="line__text">
          <LineDescription line={line} />
        </span>
      </div>
      <SyncIndicator open={panel === 'sync'} onToggle={() => onPanel(panel === 'sync' ? 'calls' : 'sync')} />
      {line.status === 'failed' && <TechnicalDetails line={line} />}
      <div className="statusbar__actions">
        <CallbacksButton
          open={panel === 'callbacks'}
          onToggle={() => onPanel(panel === 'callbacks' ? 'calls' : 'callbacks')}
        />
        <OutboundButton
          open={panel === 'outbound'}
          onToggle={() => onPanel(panel === 'outbound' ? 'calls' : 'outbound')}
        />
        <Button
          className="button button--quiet"
          aria-expanded={panel === 'figures'}
          onPress={() => onPanel(panel === 'figures' ? 'calls' : 'figures')}
        >
          {t('figures.title')}
        </Button>
        {canConnect ? (
          <Button className="button" onPress={() => void send({ type: 'line.connect' })}>
            {t('line.connect')}
          </Button>
        ) : (
          <Button className="button button--quiet" onPress={() => void send({ type: 'line.disconnect' })}>
            {t('line.disconnect')}
          </Button>
        )}
        <Button
          className="button button--quiet"
          aria-expanded={panel === 'health'}
          onPress={() => onPanel(panel === 'health' ? 'calls' : 'health')}
        >
          {panel === 'health' ? t('app.closeHealth') : t('app.health')}
        </Button>
        <Button
          className="button button--quiet"
          aria-expanded={panel === 'settings'}
          onPress={() => onPanel(panel === 'settings' ? 'calls' : 'settings')}
        >
          {panel === 'settings' ? t('app.closeSettings') : t('app.settings')}
        </Button>
      </div>
    </header>
  );
}
