import { Suspense, lazy, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CallPanel } from './components/CallPanel.js';
import { CustomerColumn } from './components/customers/CustomerColumn.js';
import { CustomerListPanel } from './components/customers/CustomerListPanel.js';
import { GuidancePanel } from './components/guidance/GuidancePanel.js';
import { useHasGuidance } from './components/guidance/guidanceState.js';
import { SettingsPanel } from './components/SettingsPanel.js';
import { LineHealthPanel } from './components/LineHealthPanel.js';
import { StatusBar, type Panel } from './components/StatusBar.js';
import { SyncPanel } from './components/sync/SyncPanel.js';
import { useSoftphone } from './state/store.js';
import { BreakNotice } from './components/work/AgentStateControl.js';
import { CallbacksPanel } from './components/work/CallbacksPanel.js';
import { DeskNotices } from './components/work/DeskNotices.js';
import { DialLinkPrompt } from './components/DialLinkPrompt.js';
import { OutboundPanel } from './components/work/OutboundPanel.js';
import { WrapUpPanel } from './components/work/WrapUpPanel.js';
import { LastPracticeReview, PracticeBanner, PracticePanel } from './components/practice/PracticePanel.js';
import { PracticeSwitch } from './components/practice/PracticeSwitch.js';

// The figures and their chart library load when the agent first opens them, not at start-up.
const FiguresPanel = lazy(() =>
  import('./components/work/FiguresPanel.js').then((module) => ({ default: module.FiguresPanel })),
);

function ConnectionNotice() {
  const { t } = useTranslation();
  const connection = useSoftphone((s) => s.connection);
  const protocolError = useSoftphone((s) => s.protocolError);
  if (connection === 'open' && !protocolError) return null;
  const text =
    connection === 'no-token'
      ? t('connection.noToken')
      : connection === 'open'
        ? t('connection.protocolError', { message: protocolError })
        : t(`connection.${connection}`);
  return (
    <div role="alert" className="notice notice--warning">
      {text}
    </div>
  );
}

function SoundNotice() {
  const { t } = useTranslation();
  const blocked = useSoftphone((s) => s.soundBlocked);
  if (!blocked) return null;
  return (
    <div role="alert" className="notice notice--warning">
      {t('sound.blocked')}
    </div>
  );
}

export function App() {
  const { t, i18n } = useTranslation();
  const settings = useSoftphone((s) => s.settings);
  const line = useSoftphone((s) => s.line);
  const [panel, setPanel] = useState<Panel>('calls');
  const guided = useHasGuidance();
  const wrapping = useSoftphone((s) => s.wrapUps.length > 0);
  // The middle column: the wrap-up waiting (above), the call's guidance (below).
  const middle = guided || wrapping;
  const language = settings?.values.ui.language;
  const inPractice = useSoftphone((s) => s.practice?.enabled === true);

  useEffect(() => {
    if (language && i18n.language !== language) void i18n.changeLanguage(language);
    document.documentElement.lang = language ?? 'en';
  }, [language, i18n]);

  const needsSettings = line.status === 'failed' && ['not-configured', 'missing-password'].includes(line.reason);
  // When the line cannot register without new settings, open them; they stay open until the agent closes them.
  const [neededSettings, setNeededSettings] = useState(false);
  if (needsSettings !== neededSettings) {
    setNeededSettings(needsSettings);
    if (needsSettings) setPanel('settings');
  }

  // A call ringing while the agent is in the settings or the line's health: back to the desk, where
  // the call and its record are (those screens have no call controls).
  const ringing = useSoftphone((s) => s.calls.some((call) => call.state === 'ringing-in'));
  const [wasRinging, setWasRinging] = useState(false);
  if (ringing !== wasRinging) {
    setWasRinging(ringing);
    if (ringing && (panel === 'settings' || panel === 'health')) setPanel('calls');
  }

  return (
    <div className="app">
      <StatusBar panel={panel} onPanel={setPanel} />
      <PracticeBanner
        open={panel === 'practice'}
        onToggle={() => setPanel(panel === 'practice' ? 'calls' : 'practice')}
      />
      <ConnectionNotice />
      <SoundNotice />
      <BreakNotice />
      <main className="main" aria-label={t('app.mainArea')}>
        {panel === 'settings' && settings ? (
          <>
            <PracticeSwitch view={settings} />
            {/* A fresh form for each desk: the practice desk has settings of its own. */}
            <SettingsPanel key={inPractice ? 'practice' : 'real'} view={settings} onOpenSync={() => setPanel('sync')} />
            <CustomerListPanel />
          </>
        ) : panel === 'health' ? (
          <LineHealthPanel />
        ) : (
          // The sync, callbacks, outbound and figures panels take the customer column's place: the call controls
          // stay where they are. The wrap-up and the guidance sit between them, never over the call controls;
          // they go below them when narrow.
          <>
            <DialLinkPrompt />
            <DeskNotices />
            <LastPracticeReview />
            <div className={middle ? 'desk desk--guided' : 'desk'}>
              <CallPanel />
              {middle && (
                <div className="desk__middle">
                  {wrapping && <WrapUpPanel />}
                  {guided && <GuidancePanel />}
                </div>
              )}
              {panel === 'sync' ? (
                <SyncPanel onClose={() => setPanel('calls')} />
              ) : panel === 'callbacks' ? (
                <CallbacksPanel onClose={() => setPanel('calls')} />
              ) : panel === 'practice' ? (
                <PracticePanel onClose={() => setPanel('calls')} />
              ) : panel === 'outbound' ? (
                <OutboundPanel onClose={() => setPanel('calls')} />
              ) : panel === 'figures' ? (
                <Suspense fallback={<p className="pop__muted">{t('figures.loading')}</p>}>
                  <FiguresPanel onClose={() => setPanel('calls')} />
                </Suspense>
              ) : (
                <CustomerColumn />
              )}
            </div>
          </>
        )}
      </main>
    </div>
  );
}
