/**
 * Loaded into the softphone's core process (the web host) by the call-setup benchmark, through
 * NODE_OPTIONS=--import: prints when the core starts to answer a call, that is when sip.js's
 * Invitation.accept() is called (the same call the plain sip.js callee is timed from), as
 *
 *   bench-probe accept <Call-ID> <Date.now()>
 *
 * Date.now() reads the system clock, the clock the callee page's first-packet time is put on.
 * It patches the module instance the core uses (sip.js is one ES module, resolved alike), and
 * otherwise changes nothing.
 */
import { Invitation } from 'sip.js';

const accept = Invitation.prototype.accept;
Invitation.prototype.accept = function (...args) {
  const at = Date.now();
  process.stdout.write(`bench-probe accept ${this.request.callId} ${at}\n`);
  return accept.apply(this, args);
};
