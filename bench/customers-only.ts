/** `tsx bench/customers-only.ts`: only the customer-cache benchmarks (see bench/customers-report.ts). */
import { startPbx } from '../tools/pbx/pbx.js';
import { runCustomerBench } from './customers-report.js';

const pbx = await startPbx({ debugLevel: 1 });
try {
  await runCustomerBench(pbx);
} finally {
  await pbx.stop();
}
