/** `npm run bench`: every benchmark, printed as tables. Needs Kamailio and Chromium (see README). */
import os from 'node:os';
import { startPbx } from '../tools/pbx/pbx.js';
import { benchCallSetup } from './call-setup.js';
import { benchRegistration } from './registration.js';
import { median, ms, summary } from './stats.js';

// Ctrl-C: stop between calls and tear everything down (a second Ctrl-C quits at once).
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  console.error('\ninterrupted: stopping everything (Ctrl-C again to quit at once)');
  interrupt.abort(new Error('interrupted'));
});

const pbx = await startPbx({ debugLevel: 1 });
try {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
  const { ours, bare } = await benchRegistration(pbx, rounds);
  console.log(`\nLine registration, start → registered, ${rounds} rounds each, local Kamailio over WebSocket\n`);
  console.table({
    'softphone Registration': summary(ours),
    'bare sip.js UserAgent + Registerer': summary(bare),
  });
  console.log(`ratio of medians (softphone / bare sip.js): ${(median(ours) / median(bare)).toFixed(2)}`);

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
} catch (error) {
  if (!interrupt.signal.aborted) throw error;
  process.exitCode = 130;
} finally {
  await pbx.stop();
}
