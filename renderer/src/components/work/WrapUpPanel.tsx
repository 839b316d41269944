import { useId, useState } from 'react';
import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { WrapUpView } from '../../../../src/contract/index.js';
import { useNow } from '../../hooks/useNow.js';
import { useSoftphone } from '../../state/store.js';
import { WrapUpForm } from './WrapUpForm.js';
import { elapsed, wrapUpWho } from './workText.js';

/** Who, which service, how long the call was, and the wrap-up's own clock. */
function WrapUpHeader({ view, titleId }: { view: WrapUpView; titleId: string }) {
  const { t } = useTranslation();
  const now = useNow(true);
  const over = view.dueAt !== undefined && now >= view.dueAt;
  const who = wrapUpWho(view);
  return (
    <header className="wrapup__head">
      <h2 id={titleId} className="wrapup__title">
        {t('wrapup.title')}
        <span className="wrapup__who"> · {who}</span>
      </h2>
      <p className="wrapup__facts">
        {who !== view.number && <span className="call__number">{view.number}</span>}
        {view.service && <span>{view.service}</span>}
        <span>
          {t(view.direction === 'in' ? 'wrapup.callIn' : 'wrapup.callOut', {
            duration: elapsed(view.callEndedAt - view.callStartedAt),
          })}
        </span>
      </p>
      <p className={over ? 'wrapup__clock wrapup__clock--over' : 'wrapup__clock'}>
        {t('wrapup.since', { time: elapsed(now - view.startedAt) })}
        {view.dueAt !== undefined && !over && <> · {t('wrapup.left', { time: elapsed(view.dueAt - now) })}</>}
      </p>
      {over && (
        <p role="alert" className="wrapup__over">
          {t('wrapup.timeUp')}
        </p>
      )}
    </header>
  );
}

/** What the call's guidance and handover wrote, beside the form for reference. */
function FromTheCall({ lines }: { lines: string[] }) {
  const { t } = useTranslation();
  const titleId = useId();
  if (lines.length === 0) return null;
  return (
    <section className="wrapup__trail" aria-labelledby={titleId}>
      <h3 id={titleId} className="wrapup__trail-title">
        {t('wrapup.fromTheCall')}
      </h3>
      <ul>
        {lines.map((line, index) => (
          <li key={index}>{line}</li>
        ))}
      </ul>
    </section>
  );
}

function WrapUpBody({ view, autoFocus }: { view: WrapUpView; autoFocus: boolean }) {
  const titleId = useId();
  return (
    <div className="wrapup__body" aria-labelledby={titleId} role="group">
      <WrapUpHeader view={view} titleId={titleId} />
      <WrapUpForm key={view.callId} view={view} autoFocus={autoFocus} />
      <FromTheCall lines={view.trailSummary} />
    </div>
  );
}

/**
 * The calls waiting for their record: the oldest first, one tab per caller when there are several.
 * A wrap-up that appears takes the focus to its first field (not while the agent types elsewhere).
 */
export function WrapUpPanel() {
  const { t } = useTranslation();
  const views = useSoftphone((s) => s.wrapUps);
  const [selected, setSelected] = useState<string>();
  // The wrap-ups the panel has seen, and the one that appeared last: that one may take the focus.
  const ids = views.map((view) => view.callId).join('\n');
  const [known, setKnown] = useState<{ ids: string; fresh?: string }>({ ids: '' });
  if (known.ids !== ids) {
    const before = new Set(known.ids.split('\n'));
    setKnown({ ids, fresh: views.find((view) => !before.has(view.callId))?.callId });
  }
  const current = views.find((view) => view.callId === selected) ?? views[0];
  if (!current) return null;

  return (
    <section className="wrapup" aria-label={t('wrapup.title')}>
      {/* One tree whether one wrap-up waits or several: a second one coming does not disturb the first. */}
      <Tabs
        className="wrapup__tabset"
        selectedKey={current.callId}
        onSelectionChange={(key) => setSelected(String(key))}
      >
        <TabList
          className={views.length > 1 ? 'wrapup__tabs' : 'wrapup__tabs wrapup__tabs--single'}
          aria-label={t('wrapup.waiting', { count: views.length })}
        >
          {views.map((view) => (
            <Tab key={view.callId} id={view.callId} className="wrapup__tab">
              {wrapUpWho(view)}
            </Tab>
          ))}
        </TabList>
        {views.map((view) => (
          <TabPanel key={view.callId} id={view.callId} className="wrapup__panel">
            <WrapUpBody view={view} autoFocus={known.fresh === view.callId} />
          </TabPanel>
        ))}
      </Tabs>
    </section>
  );
}
