import { Core, type Session } from 'sip.js';

/**
 * What a call's dialog needs when the connection under it breaks in the middle of an INVITE
 * transaction, which sip.js 0.21 does not do by itself. Over a connection-oriented transport no
 * answer can come back once the connection is gone, yet sip.js keeps our re-INVITE pending until
 * its timer B (32 s) and meanwhile refuses any other re-INVITE ("Reinvite in progress"): the one
 * that would move the call onto the new connection among them. These reach into sip.js's
 * transaction layer; `tests/e2e/line-healing.spec.ts` proves them against a real far end.
 */

/** sip.js types a session's dialog by its interface; the object is the core's SessionDialog. */
const dialogOf = (session: Session) => session.dialog as Core.SessionDialog | undefined;

/** How long an answer sent after a cut waits for its ACK before the dialog lets go of it. */
const ACK_GRACE_MS = 2_000;

/** The transaction layer's error hook, protected in sip.js's typings. */
interface TransportErrorSink {
  onTransportError(error: Core.TransportError): void;
}

/**
 * Our re-INVITE still waiting for its final answer is given up: RFC 3261 §8.1.3.1 treats a TCP
 * connection failure as a 503, and so does sip.js once told of it, which rolls the offer back,
 * frees the dialog and the session for the next re-INVITE, and rejects the request's delegate.
 * Returns the CSeq of our re-INVITE whose 2xx may have been lost on the way (given up now, or
 * answered but not yet acknowledged), so that `acknowledgeAgain` can ACK it over the new flow.
 */
export function interruptOwnReinvite(session: Session): number | undefined {
  const client = dialogOf(session)?.reinviteUserAgentClient;
  if (!client) return undefined;
  const transaction = client.transaction;
  const cseq = transaction.request.cseq;
  if (transaction.state === Core.TransactionState.Calling || transaction.state === Core.TransactionState.Proceeding)
    (transaction as unknown as TransportErrorSink).onTransportError(
      new Core.TransportError('the connection broke before the re-INVITE was answered'),
    );
  return cseq;
}

/**
 * Sends (again) the ACK of our re-INVITE `cseq` over the current connection. The far end may have
 * answered it with a 200 OK that the broken connection lost: it then waits for this ACK, refusing
 * any new re-INVITE meanwhile (sip.js answers 500 for as long as it waits), and may end the call
 * after 32 s without it (RFC 3261 §13.3.1.4). An ACK for a re-INVITE the far end never saw, or acknowledged already, matches
 * nothing there and is dropped (§17.2.3 / §13.3.1.4): sending it is never harmful.
 */
export async function acknowledgeAgain(session: Session, cseq: number): Promise<void> {
  const dialog = dialogOf(session);
  if (!dialog) return;
  const transport = dialog.userAgentCore.transport;
  // Built as sip.js builds the ACK of a 2xx itself (SessionDialog.ack, InviteClientTransaction.ackResponse).
  const ack = dialog.createOutgoingRequestMessage(Core.C.ACK, { cseq });
  ack.setViaHeader(`z9hG4bK${Math.floor(Math.random() * 10_000_000)}`, transport.protocol);
  await transport.send(ack.toString());
}

/**
 * The far end's re-INVITE that we answered with a 200 OK but whose ACK has not come: it never will,
 * since the far end sends it to our old contact on the dead connection. While it is pending,
 * sip.js refuses to send a re-INVITE of ours (RFC 3261 §14.1) and never lets go of it (a FIXME
 * in SessionDialog). The 200 OK is sent once more, over the new connection, in case the cut lost
 * it too: the far end then has its answer and stops waiting (its ACK will be lost, which only it
 * would mind, and the recovery re-INVITE that follows makes a new offer anyway). Then it is let go.
 * Returns whether there was one.
 */
export function forgetUnacknowledgedAnswer(session: Session): boolean {
  const dialog = dialogOf(session);
  const server = dialog?.reinviteUserAgentServer;
  if (!dialog || !server) return false;
  if (server.transaction.state === Core.TransactionState.Proceeding) {
    // Our answer is still being made (the media engine was slow, or the cut came first): it will go
    // out over the new connection, but its ACK may still go to the old contact and never come.
    // Once the answer is out, its ACK gets a moment; then the dialog is let go all the same, so
    // that the far end's next re-INVITE is not refused with 500 for ever.
    const transaction = server.transaction;
    const answered = (): void => {
      if (transaction.state === Core.TransactionState.Proceeding) return;
      transaction.removeStateChangeListener(answered);
      setTimeout(() => {
        if (dialog.reinviteUserAgentServer === server) dialog.reinviteUserAgentServer = undefined;
      }, ACK_GRACE_MS).unref();
    };
    transaction.addStateChangeListener(answered);
    return false;
  }
  if (server.transaction instanceof Core.InviteServerTransaction) server.transaction.retransmitAcceptedResponse();
  dialog.reinviteUserAgentServer = undefined;
  return true;
}
