/**
 * Time from "start" to "registered" for the agent's line, against the local Kamailio: our
 * Registration (fresh UserAgent + Registerer per attempt, failure classification, state events)
 * side by side with bare sip.js doing the same REGISTER, in the same run.
 */
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/log/logger.js';
import { Registration } from '../src/telephony/registration.js';
import { getTestAccount } from '../tools/pbx/accounts.js';
import type { Pbx } from '../tools/pbx/pbx.js';
import { registerPeer } from '../tests/support/sip-peer.js';

async function ours(pbx: Pbx): Promise<number> {
  const { password } = getTestAccount('1001');
  const registration = new Registration(
    { wsUrl: pbx.wsUrl, domain: pbx.domain, user: '1001', password },
    { logger: silentLogger() },
  );
  const started = performance.now();
  const done = new Promise<void>((resolve, reject) =>
    registration.onState((state) => {
      if (state.status === 'registered') resolve();
      if (state.status === 'failed') reject(new Error(state.reason));
    }),
  );
  registration.start();
  await done;
  const elapsed = performance.now() - started;
  await registration.stop();
  return elapsed;
}

async function bare(pbx: Pbx): Promise<number> {
  const started = performance.now();
  const { ua, status } = await registerPeer(pbx, '1002');
  const elapsed = performance.now() - started;
  if (status !== 200) throw new Error(`REGISTER answered ${status}`);
  await ua.stop();
  return elapsed;
}

export async function benchRegistration(pbx: Pbx, rounds = 30) {
  const a: number[] = [];
  const b: number[] = [];
  // Warm up both paths once (module loading, JIT), then alternate so that drift hits both alike.
  await ours(pbx);
  await bare(pbx);
  for (let i = 0; i < rounds; i++) {
    a.push(await ours(pbx));
    b.push(await bare(pbx));
  }
  return { ours: a, bare: b };
}
