import { useEffect, useId, useState } from 'react';
import { Button, Label, Radio, RadioGroup } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { AgentFigures, type ContractError } from '../../../../src/contract/index.js';
import { useSoftphone } from '../../state/store.js';
import {
  NO_VALUE,
  STATE_ORDER,
  bucketWhen,
  chartSummary,
  csvFileName,
  durationText,
  hoursMinutes,
  percentText,
  rangeText,
  segmentState,
  shownBuckets,
  spanText,
  stateClass,
  stateName,
  type FiguresPeriod,
} from './figuresText.js';
import { timeOfDay } from './workText.js';

/** How often the figures are asked for again while the panel is open. */
const REFRESH_MS = 30_000;
/** After the agent's state or the wrap-ups change: one question once things settle. */
const SETTLE_MS = 1_000;

interface Loaded {
  figures: AgentFigures;
  /** When the answer came (the timeline of today runs up to then). */
  at: number;
}

/** A failed command in the agent's words. */
function problemText(error: ContractError, t: ReturnType<typeof useTranslation>['t']): string {
  return t(`figures.error.${error.message}`, {
    defaultValue: error.issues?.[0]?.message ?? (error.message || t(`error.${error.code}`)),
  });
}

/**
 * The figures of a period, asked for when the panel opens, when the period changes, every 30 s, and
 * a moment after the agent's state, the wrap-ups, the callbacks or the recent calls change (so that
 * they follow the day). Answers that come back out of order are dropped.
 */
function useFigures(period: FiguresPeriod) {
  const send = useSoftphone((s) => s.send);
  const [loaded, setLoaded] = useState<Loaded>();
  const [problem, setProblem] = useState<ContractError>();

  useEffect(() => {
    let stopped = false;
    let asked = 0;
    let settling: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      const question = ++asked;
      void send({ type: 'figures.get', period }).then((result) => {
        if (stopped || question !== asked) return;
        if (!result.ok) return setProblem(result.error);
        const parsed = AgentFigures.safeParse(result.value);
        if (!parsed.success) return setProblem({ code: 'malformed', message: 'unreadable' });
        setProblem(undefined);
        setLoaded({ figures: parsed.data, at: Date.now() });
      });
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    const unsubscribe = useSoftphone.subscribe((now, before) => {
      if (
        now.agent === before.agent &&
        now.wrapUps === before.wrapUps &&
        now.callbacks === before.callbacks &&
        now.history === before.history
      )
        return;
      clearTimeout(settling);
      settling = setTimeout(load, SETTLE_MS);
    });
    return () => {
      stopped = true;
      clearInterval(timer);
      clearTimeout(settling);
      unsubscribe();
    };
  }, [send, period]);

  // The other period's figures are not shown while this one's are on their way.
  return { loaded: loaded?.figures.period === period ? loaded : undefined, problem };
}

/** The headline numbers, each a label and its value ("Calls in 12"). */
function Tiles({ figures }: { figures: AgentFigures }) {
  const { t, i18n } = useTranslation();
  const tiles: Array<[string, string]> = [
    ['callsIn', String(figures.calls.in)],
    ['callsOut', String(figures.calls.out)],
    ['missed', String(figures.calls.missed)],
    ['handling', durationText(figures.averages.handlingMs, t)],
    ['talk', durationText(figures.averages.talkMs, t)],
    ['hold', durationText(figures.averages.holdMs, t)],
    ['wrapUp', durationText(figures.averages.wrapUpMs, t)],
    ['fcr', percentText(figures.firstContactResolution, i18n.language)],
    ['callbacksDone', String(figures.callbacks.done)],
    ['callbacksDue', String(figures.callbacks.due)],
  ];
  return (
    <ul className="figures__tiles" aria-label={t('figures.tiles')}>
      {tiles.map(([key, value]) => (
        <li key={key} className={`tile tile--${key}${value === NO_VALUE ? ' tile--none' : ''}`}>
          <span className="tile__label">{t(`figures.tile.${key}`)}</span>{' '}
          <strong className="tile__value">{value}</strong>
        </li>
      ))}
    </ul>
  );
}

/** Answered calls per hour (today) or per day (this week), in and out stacked. */
function CallsChart({ loaded }: { loaded: Loaded }) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const { figures } = loaded;
  const buckets = shownBuckets(figures, loaded.at);
  const title = t(figures.period === 'today' ? 'figures.chart.titleToday' : 'figures.chart.titleWeek');
  const empty = buckets.every((bucket) => bucket.in + bucket.out === 0);
  const tick = { fill: 'var(--muted)', fontSize: 12 };
  return (
    <section className="figures__section" aria-labelledby={titleId}>
      <h3 id={titleId}>{title}</h3>
      {empty ? (
        <p className="pop__muted">{t('figures.chart.empty')}</p>
      ) : (
        <>
          <div
            className="figures__chart"
            role="img"
            aria-label={chartSummary(buckets, figures.period, i18n.language, t)}
          >
            {/* The summary above says it all: the drawing (and recharts' own labels) is not read out. */}
            <div aria-hidden="true">
              <BarChart
                responsive
                style={{ width: '100%', height: 200 }}
                data={buckets}
                accessibilityLayer={false}
                margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
              >
                <CartesianGrid vertical={false} stroke="var(--border)" />
                <XAxis
                  dataKey="label"
                  tick={tick}
                  tickLine={false}
                  axisLine={{ stroke: 'var(--border)' }}
                  interval="preserveStartEnd"
                />
                <YAxis allowDecimals={false} tick={tick} tickLine={false} axisLine={false} width={28} />
                <Tooltip
                  cursor={{ fill: 'var(--chart-cursor)' }}
                  contentStyle={{
                    background: 'var(--surface)',
                    border: '1px solid var(--border)',
                    borderRadius: 6,
                    color: 'var(--text)',
                  }}
                  labelStyle={{ color: 'var(--text)', fontWeight: 600 }}
                  isAnimationActive={false}
                />
                <Legend iconType="square" wrapperStyle={{ fontSize: 13, color: 'var(--text)' }} />
                <Bar
                  dataKey="in"
                  name={t('figures.chart.in')}
                  stackId="calls"
                  fill="var(--chart-in)"
                  isAnimationActive={false}
                />
                <Bar
                  dataKey="out"
                  name={t('figures.chart.out')}
                  stackId="calls"
                  fill="var(--chart-out)"
                  isAnimationActive={false}
                />
              </BarChart>
            </div>
          </div>
          <table className="visually-hidden">
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t(figures.period === 'today' ? 'figures.chart.hour' : 'figures.chart.day')}</th>
                <th scope="col">{t('figures.chart.in')}</th>
                <th scope="col">{t('figures.chart.out')}</th>
              </tr>
            </thead>
            <tbody>
              {buckets.map((bucket) => (
                <tr key={bucket.from}>
                  <th scope="row">{bucketWhen(bucket, figures.period, i18n.language)}</th>
                  <td>{bucket.in}</td>
                  <td>{bucket.out}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** The states one after the other on a bar (today up to now, or the whole week), and the time in each. */
function StateTimeline({ loaded }: { loaded: Loaded }) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const totalsId = useId();
  const { figures } = loaded;
  const { timeline, period } = figures;
  const start = figures.from;
  const end =
    period === 'today' ? Math.min(figures.to, Math.max(loaded.at, timeline.at(-1)?.to ?? loaded.at)) : figures.to;
  const span = Math.max(1, end - start);
  const at = (epoch: number) => ((Math.min(Math.max(epoch, start), end) - start) / span) * 100;

  const present = [...new Set(timeline.map((segment) => segment.state))];
  const order = (state: string) => (STATE_ORDER.includes(state) ? STATE_ORDER.indexOf(state) : STATE_ORDER.length);
  present.sort((a, b) => order(a) - order(b));
  const covered = timeline.reduce((sum, segment) => sum + Math.max(0, segment.to - segment.from), 0);
  const gaps = covered < span - 60_000;

  // Marks under the bar: the days of the week, or every few hours of today.
  const inside = figures.buckets.filter((bucket) => bucket.from >= start && bucket.from < end);
  const step = period === 'today' ? Math.max(1, Math.ceil(inside.length / 8)) : 1;
  const ticks = inside.filter((bucket, index) => index % step === 0 && at(bucket.from) <= 94);

  const totals = Object.entries(figures.stateMs)
    .filter(([, ms]) => ms > 0)
    .sort(([a], [b]) => order(a) - order(b));

  return (
    <>
      <section className="figures__section" aria-labelledby={titleId}>
        <h3 id={titleId}>{t('figures.timeline.title')}</h3>
        {timeline.length === 0 ? (
          <p className="pop__muted">{t('figures.timeline.empty')}</p>
        ) : (
          <>
            <div className="timeline">
              <div className="timeline__bar" role="list" aria-label={t('figures.timeline.label')}>
                {timeline.map((segment) => {
                  const text = t('figures.timeline.segment', {
                    state: segmentState(segment, t, i18n),
                    span: spanText(segment.from, segment.to, period, i18n.language),
                  });
                  return (
                    <div
                      key={`${segment.from}-${segment.state}`}
                      role="listitem"
                      className={`timeline__segment ${stateClass(segment.state)}`}
                      style={{ left: `${at(segment.from)}%`, width: `${at(segment.to) - at(segment.from)}%` }}
                      title={text}
                    >
                      <span className="visually-hidden">{text}</span>
                    </div>
                  );
                })}
              </div>
              <div className="timeline__ticks" aria-hidden="true">
                {ticks.map((bucket) => (
                  <span key={bucket.from} className="timeline__tick" style={{ left: `${at(bucket.from)}%` }}>
                    {bucket.label}
                  </span>
                ))}
              </div>
            </div>
            <ul className="timeline__legend" aria-label={t('figures.timeline.legend')}>
              {present.map((state) => (
                <li key={state}>
                  <span className={`swatch ${stateClass(state)}`} aria-hidden="true" />
                  {stateName(state, t)}
                </li>
              ))}
              {gaps && (
                <li>
                  <span className="swatch state--none" aria-hidden="true" />
                  {t('figures.timeline.none')}
                </li>
              )}
            </ul>
          </>
        )}
      </section>
      <section className="figures__section" aria-labelledby={totalsId}>
        <h3 id={totalsId}>{t('figures.stateTime')}</h3>
        {totals.length === 0 ? (
          <p className="pop__muted">{t('figures.timeline.empty')}</p>
        ) : (
          <ul className="figures__states" aria-labelledby={totalsId}>
            {totals.map(([state, ms]) => {
              const time = hoursMinutes(ms, t);
              return (
                <li key={state}>
                  <span className={`swatch ${stateClass(state)}`} aria-hidden="true" />
                  <span className="figures__state">{stateName(state, t)}</span>{' '}
                  <span className="figures__time" aria-hidden="true">
                    {time.short}
                  </span>
                  <span className="visually-hidden">{time.words}</span>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </>
  );
}

/** The period's calls as a CSV file, saved by the browser's download. */
function ExportButton({ period, from }: { period: FiguresPeriod; from: number | undefined }) {
  const { t } = useTranslation();
  const send = useSoftphone((s) => s.send);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const save = async () => {
    setBusy(true);
    setProblem(undefined);
    const result = await send({ type: 'figures.csv', period });
    setBusy(false);
    if (!result.ok) return setProblem(t('figures.exportFailed', { message: problemText(result.error, t) }));
    if (typeof result.value !== 'string')
      return setProblem(t('figures.exportFailed', { message: t('figures.error.unreadable') }));
    // With a byte-order mark, so that a spreadsheet reads the names and notes as UTF-8.
    const url = URL.createObjectURL(new Blob(['\ufeff', result.value], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = csvFileName(period, from ?? Date.now());
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <>
      <Button className="button button--small" isDisabled={busy} onPress={() => void save()}>
        {t('figures.export')}
      </Button>
      {problem && (
        <p role="alert" className="field__error figures__problem">
          {problem}
        </p>
      )}
    </>
  );
}

/**
 * The agent's own figures for today or this week: the headline numbers, the calls per hour or day,
 * the states over time and the time in each, and the period's calls as CSV. Kept up to date while open.
 */
export function FiguresPanel({ onClose }: { onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [period, setPeriod] = useState<FiguresPeriod>('today');
  const { loaded, problem } = useFigures(period);
  const titleId = useId();
  return (
    <section className="figures" aria-label={t('figures.title')}>
      <header className="callbacks__head">
        <h2 id={titleId}>{t('figures.title')}</h2>
        <Button className="button button--small" onPress={onClose}>
          {t('figures.closePanel')}
        </Button>
      </header>
      <div className="figures__bar">
        <RadioGroup
          className="segmented"
          orientation="horizontal"
          value={period}
          onChange={(value) => setPeriod(value === 'week' ? 'week' : 'today')}
        >
          <Label className="segmented__label">{t('figures.period')}</Label>
          <div className="segmented__options">
            <Radio value="today" className="segmented__option">
              {t('figures.today')}
            </Radio>
            <Radio value="week" className="segmented__option">
              {t('figures.week')}
            </Radio>
          </div>
        </RadioGroup>
        <ExportButton period={period} from={loaded?.figures.from} />
      </div>
      {loaded && (
        <p className="figures__range">
          <strong>{rangeText(loaded.figures, i18n.language, t)}</strong>
          <span className="pop__muted">
            {' · '}
            {t('figures.updated', { time: timeOfDay(loaded.at, i18n.language) })}
          </span>
        </p>
      )}
      {problem && (
        <p role="alert" className="field__error figures__problem">
          {t('figures.loadFailed', { message: problemText(problem, t) })}
        </p>
      )}
      {loaded ? (
        <>
          <Tiles figures={loaded.figures} />
          <CallsChart loaded={loaded} />
          <StateTimeline loaded={loaded} />
        </>
      ) : (
        !problem && <p className="pop__muted">{t('figures.loading')}</p>
      )}
    </section>
  );
}
