/** `npm run bench`: every benchmark, printed as tables. Needs Kamailio (see README). */
import { startPbx } from '../tools/pbx/pbx.js';
import { benchRegistration } from './registration.js';

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

const pbx = await startPbx({ debugLevel: 1 });
try {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
  const { ours, bare } = await benchRegistration(pbx, rounds);
  console.log(`\nLine registration, start → registered, ${rounds} rounds each, local Kamailio over WebSocket\n`);
  console.table({
    'softphone Registration': {
      median: ms(quantile(ours, 0.5)),
      p90: ms(quantile(ours, 0.9)),
      max: ms(Math.max(...ours)),
    },
    'bare sip.js UserAgent + Registerer': {
      median: ms(quantile(bare, 0.5)),
      p90: ms(quantile(bare, 0.9)),
      max: ms(Math.max(...bare)),
    },
  });
  console.log(`ratio of medians (softphone / bare sip.js): ${(quantile(ours, 0.5) / quantile(bare, 0.5)).toFixed(2)}`);
} finally {
  await pbx.stop();
}
