/**
 * `npm run bench`: every benchmark, printed as tables. Needs Kamailio and Chromium (see README).
 *
 *   BENCH_ROUNDS       registration rounds (30)
 *   BENCH_CALL_ROUNDS  call-setup rounds (15)
 *   BENCH_CUTS         line-recovery cuts during one call (30; the issue's goal is judged over 100)
 *   BENCH_CUT_MAX_S    longest cut in seconds; cuts last 1 s to this, at random (4; the issue says 10)
 *   BENCH_SEED         seeds the cut lengths and the restarts' down times (1)
 *   BENCH_RESTARTS     Kamailio kill-and-restart rounds (10)
 *   BENCH_ONLY         which benchmarks, comma-separated: registration, calls, recovery, restart, customers, sync (all)
 *   (the customer cache's own settings, BENCH_CUSTOMERS and others, are in bench/customers-report.ts;
 *   the CRM sync's, BENCH_SYNC_CUSTOMERS and others, in bench/sync.ts)
 */
import os from 'node:os';
import { startPbx } from '../tools/pbx/pbx.js';
import { benchCallSetup, buildRenderer } from './call-setup.js';
import { benchRecovery, GAP_MS, STALL_MS } from './recovery.js';
import { benchRegistration } from './registration.js';
import { benchRestart } from './restart.js';
import { runCustomerBench } from './customers-report.js';
import { runSyncBench } from './sync.js';
import { median, ms, summary, summary95 } from './stats.js';

// Ctrl-C: stop between calls and tear everything down (a second Ctrl-C quits at once).
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  console.error('\ninterrupted: stopping everything (Ctrl-C again to quit at once)');
  interrupt.abort(new Error('interrupted'));
});

const BENCHMARKS = ['registration', 'calls', 'recovery', 'restart', 'customers', 'sync'] as const;
const only = (process.env.BENCH_ONLY ?? BENCHMARKS.join(',')).split(',').map((name) => name.trim());
const unknown = only.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
if (unknown.length) throw new Error(`BENCH_ONLY: no benchmark named ${unknown.join(', ')} (${BENCHMARKS.join(', ')})`);
const runs = (name: (typeof BENCHMARKS)[number]) => only.includes(name);

// The desk's screen, served by the web host, is built from this checkout: the code measured is this code.
if (runs('calls') || runs('recovery') || runs('restart') || runs('customers')) buildRenderer();

// The CRM sync needs no PBX: it runs first, alone.
if (runs('sync')) {
  try {
    await runSyncBench(interrupt.signal);
  } catch (error) {
    if (!interrupt.signal.aborted) throw error;
    process.exit(130);
  }
}
if (only.every((name) => name === 'sync')) process.exit(0);

const pbx = await startPbx({ debugLevel: 1 });
try {
  if (runs('registration')) await registration();
  if (runs('calls')) await callSetup();
  if (runs('recovery')) await recovery();
  if (runs('restart')) await restart();
  // The customer cache at size (bench/customers-report.ts; its own BENCH_* settings there).
  if (runs('customers')) await runCustomerBench(pbx, interrupt.signal);
} catch (error) {
  if (!interrupt.signal.aborted) throw error;
  process.exitCode = 130;
} finally {
  await pbx.stop();
}

async function registration(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
  const { ours, bare } = await benchRegistration(pbx, rounds);
  console.log(`\nLine registration, start → registered, ${rounds} rounds each, local Kamailio over WebSocket\n`);
  console.table({
    'softphone Registration': summary(ours),
    'bare sip.js UserAgent + Registerer': summary(bare),
  });
  console.log(`ratio of medians (softphone / bare sip.js): ${(median(ours) / median(bare)).toFixed(2)}`);
}

async function callSetup(): Promise<void> {
  const callRounds = Number(process.env.BENCH_CALL_ROUNDS ?? 15);
  const calls = await benchCallSetup(pbx, callRounds, interrupt.signal);
  console.log(
    `\nCall setup, ${calls.ours.inviteToOk.length} + ${calls.plain.inviteToOk.length} calls ` +
      `(${callRounds} rounds each), one plain sip.js caller page, local Kamailio, loopback; ` +
      `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} CPUs\n`,
  );
  console.table({
    'INVITE → 200 OK, softphone (core UA + page media)': summary(calls.ours.inviteToOk),
    'INVITE → 200 OK, plain sip.js page': summary(calls.plain.inviteToOk),
    'answer → first audio packet, softphone': summary(calls.ours.answerToAudio),
    'answer → first audio packet, plain sip.js page': summary(calls.plain.answerToAudio),
  });
  const ratio = (a: number[], b: number[]) => {
    const value = median(a) / median(b);
    return `${value.toFixed(2)} (${value <= 1.2 ? 'within' : 'over'} the 1.2 target)`;
  };
  console.log('ratio of medians (softphone / plain sip.js):');
  console.log(`  INVITE → 200 OK:             ${ratio(calls.ours.inviteToOk, calls.plain.inviteToOk)}`);
  console.log(`  answer → first audio packet: ${ratio(calls.ours.answerToAudio, calls.plain.answerToAudio)}`);
  const firstAudio = median(calls.ours.answerToAudio);
  console.log(
    `softphone answer → first audio median: ${ms(firstAudio)} (${firstAudio <= 300 ? 'within' : 'over'} the 300 ms target)`,
  );
  const { exact, countedBack, atPoll } = calls.firstPacket;
  console.log(
    `first audio packet: ${exact} calls read exactly, ${countedBack} counted back 20 ms a packet from a later one` +
      (atPoll ? `, ${atPoll} at the poll (stats on another clock?)` : ''),
  );
  if (calls.failures.length)
    console.log(`\n${calls.failures.length} call(s) left out:\n  ${calls.failures.join('\n  ')}`);
}

async function recovery(): Promise<void> {
  // The issue's goal is 100 cuts of 1–10 s; 30 of 1–4 s keep the default run to a few minutes.
  const cuts = Number(process.env.BENCH_CUTS ?? 30);
  const cutMaxS = Number(process.env.BENCH_CUT_MAX_S ?? 4);
  const seed = Number(process.env.BENCH_SEED ?? 1);
  if (!(cuts >= 1 && cutMaxS >= 1)) throw new Error('BENCH_CUTS must be at least 1 and BENCH_CUT_MAX_S at least 1');
  const recovery = await benchRecovery(pbx, { cuts, cutMaxS, seed }, interrupt.signal);
  const records = recovery.cuts;
  const lengths = records.map((r) => r.durationMs).sort((a, b) => a - b);
  const s = (value: number) => `${(value / 1000).toFixed(1)} s`;
  console.log(
    `\nLine recovery, ${cuts} cuts of the desk's WebSocket to Kamailio (fault relay: TCP reset both ways) during ` +
      `one call with a plain sip.js customer in Chromium; each cut lasts 1–${cutMaxS} s at random (seed ${seed})` +
      (cutMaxS < 10 ? `, shortened from the issue's 1–10 s to keep the run short (BENCH_CUT_MAX_S=10 for those)` : '') +
      `; ${s(GAP_MS)} of normal operation between cuts; reconnection: a quick retry 0.2–0.5 s after the loss, ` +
      `then backoff 0.5–1, 1–2, 2–4 s; local Kamailio, loopback; ` +
      `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} CPUs\n`,
  );
  const figure = (pick: (r: (typeof records)[number]) => number | null) =>
    summary95(records.map(pick).filter((value): value is number => value !== null));
  const noticed = records.map((r) => r.noticedMs).filter((value): value is number => value !== null);
  const afterT0 = records.filter((r) => r.audio?.stoppedAfterT0);
  console.table({
    'transport back → registered (line status in the desk page)': figure((r) => r.registeredMs),
    'transport back → re-INVITE reached the customer': figure((r) => r.reinviteAtCustomerMs),
    'transport back → call recovered (re-INVITE answered, answer applied in the desk page)': figure(
      (r) => r.recoveredMs,
    ),
    ...(afterT0.length && {
      'transport back → audio flowing both ways again (cuts where it was stopped then or later)': figure((r) =>
        r.audio?.stoppedAfterT0 ? r.audio.flowingMs : null,
      ),
    }),
  });
  if (records.length < 20) console.log(`with fewer than 20 cuts, p95 is the max`);
  console.log(
    `cut lengths: ${s(lengths[0]!)} to ${s(lengths[lengths.length - 1]!)}, median ${s(median(lengths))}; ` +
      `the line showed ${noticed.length === records.length ? 'each cut' : `${noticed.length} of ${records.length} cuts`} ` +
      `within ${ms(Math.max(...noticed))}`,
  );
  const worst = (pick: (audio: NonNullable<(typeof records)[number]['audio']>) => number) =>
    ms(Math.max(...records.map((r) => (r.audio ? pick(r.audio) : Infinity))));
  const sampling = `sampled every 50 ms, the longest gap between samples ${worst((a) => a.longestSampleGapMs)}`;
  const idle = `at most ${worst((a) => a.longestIdleMs.desk)} at the desk and ${worst((a) => a.longestIdleMs.customer)} at the customer`;
  const stopped = records.filter((r) => r.audio?.stopped);
  if (!stopped.length) {
    console.log(
      `audio: never stopped in any cut (media flows page to page, not through the relay): an inbound audio byte ` +
        `counter was seen not growing for ${idle} (stopped means over ${STALL_MS} ms; ${sampling})`,
    );
  } else {
    const inTime = afterT0.filter((r) => r.audio!.flowingMs !== null && r.audio!.flowingMs <= 3000).length;
    const at = (value: number | null) => (value === null ? 'the end' : `${value} ms`);
    console.log(
      `audio: seen stopped (an inbound counter not growing for over ${STALL_MS} ms; ${sampling}) in ` +
        `${stopped.length} of ${records.length} cuts: ${stopped.length - afterT0.length} only during the cut, ` +
        `flowing again before the transport was back; ${afterT0.length} at or after transport back, flowing both ` +
        `ways again within 3 s of it in ${inTime} of those (goal: all)\n  ` +
        stopped
          .flatMap((r) =>
            r.audio!.stops.map(
              (stop) =>
                `cut ${r.cut}: the ${stop.end}'s inbound audio, from ${at(stop.fromMs)} to ${at(stop.toMs)} after ` +
                `transport back (re-INVITE answered at ${r.recoveredMs === null ? '–' : `${r.recoveredMs} ms`})`,
            ),
          )
          .join('\n  '),
    );
  }
  const survived = records.filter((r) => r.survived).length;
  console.log(
    `call survived ${survived}/${records.length} cuts (${((100 * survived) / records.length).toFixed(1)} %; ` +
      `goal: at least 99 of 100)`,
  );
  const { finalBye } = recovery;
  console.log(
    `customer's BYE after the last recovery ${finalBye.ended ? 'ended' : 'did NOT end'} the call on the desk ` +
      `(${finalBye.detail}), on a call that went through ${finalBye.cutsOnCall} cut(s)`,
  );
  const troubled = records.filter((r) => r.problems.length);
  if (troubled.length)
    console.log(
      `\n${troubled.length} cut(s) with problems:\n  ` +
        troubled.map((r) => `cut ${r.cut} (call ${r.call}, ${s(r.durationMs)}): ${r.problems.join('; ')}`).join('\n  '),
    );
}

async function restart(): Promise<void> {
  const restarts = Number(process.env.BENCH_RESTARTS ?? 10);
  const seed = Number(process.env.BENCH_SEED ?? 1);
  const downMaxS = 5;
  if (!(restarts >= 1)) throw new Error('BENCH_RESTARTS must be at least 1');
  const { restarts: records } = await benchRestart({ restarts, downMaxS, seed }, interrupt.signal);
  const s = (value: number) => `${(value / 1000).toFixed(1)} s`;
  console.log(
    `\nPBX restart, ${restarts} times: Kamailio's process group killed (SIGKILL), down 1–${downMaxS} s at random ` +
      `(seed ${seed}), started again on the same ports; the desk (web host + page) registered on it directly; ` +
      `"back" is the first WebSocket upgrade it answers (tried every 10 ms); ` +
      `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} CPUs\n`,
  );
  const values = (pick: (r: (typeof records)[number]) => number | null) =>
    records.map(pick).filter((value): value is number => value !== null);
  console.table({
    'Kamailio back → registered (line status in the desk page)': summary95(values((r) => r.registeredMs)),
    'kill → the desk page shows the line lost': summary95(values((r) => r.noticedMs)),
    'Kamailio started → answering a WebSocket upgrade': summary95(values((r) => r.startMs)),
  });
  if (records.length < 20) console.log(`with fewer than 20 restarts, p95 is the max`);
  const registered = values((r) => r.registeredMs);
  const inTime = registered.filter((value) => value <= 5_000).length;
  const downs = records.map((r) => r.downMs).sort((a, b) => a - b);
  console.log(
    `registered within 5 s of Kamailio being back in ${inTime} of ${records.length} restarts (goal: every one); ` +
      `down ${s(downs[0]!)} to ${s(downs[downs.length - 1]!)}, median ${s(median(downs))}`,
  );
  const troubled = records.filter((r) => r.problems.length);
  if (troubled.length)
    console.log(
      `\n${troubled.length} restart(s) with problems:\n  ` +
        troubled.map((r) => `restart ${r.restart}: ${r.problems.join('; ')}`).join('\n  '),
    );
}
