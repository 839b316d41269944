import type { Migration } from '../database.js';
import { customers } from './001-customers.js';
import { localChanges } from './002-local-changes.js';
import { sync } from './003-sync.js';
import { guidance } from './004-guidance.js';
import { work } from './005-work.js';
import { outbound } from './006-outbound.js';
import { outboundSync } from './007-outbound-sync.js';
import { heartbeat } from './008-heartbeat.js';

/** The customer database's schema steps, in order; a new step is a new file added at the end. */
export const CUSTOMER_MIGRATIONS: readonly Migration[] = [
  customers,
  localChanges,
  sync,
  guidance,
  work,
  outbound,
  outboundSync,
  heartbeat,
];
