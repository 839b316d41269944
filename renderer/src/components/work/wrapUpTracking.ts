import { create } from 'zustand';
import type { WrapUpDraft } from '../../../../src/contract/index.js';
import { useSoftphone } from '../../state/store.js';
import { wrapUpWho } from './workText.js';

/** How long "Wrap-up saved" stays on the desk after the form went. */
const SAVED_NOTICE_MS = 4000;

/** Wrap-ups sent with "Save wrap-up" (waiting for the answer, or answered ok). */
const submitted = new Set<string>();

/** The form as last typed, by call: a form shown again (another tab, back) starts from it. */
export const typedDrafts = new Map<string, WrapUpDraft>();

export function markSubmitted(callId: string, on: boolean): void {
  if (on) submitted.add(callId);
  else submitted.delete(callId);
}

const useSavedStore = create<{ saved?: { callId: string; who: string } }>(() => ({}));
let timer: ReturnType<typeof setTimeout> | undefined;

// A wrap-up that leaves the list after it was sent was saved: say so for a moment.
useSoftphone.subscribe((state, before) => {
  if (state.wrapUps === before.wrapUps) return;
  for (const view of before.wrapUps) {
    if (state.wrapUps.some((other) => other.callId === view.callId)) continue;
    typedDrafts.delete(view.callId);
    if (!submitted.delete(view.callId)) continue;
    useSavedStore.setState({ saved: { callId: view.callId, who: wrapUpWho(view) } });
    clearTimeout(timer);
    timer = setTimeout(() => useSavedStore.setState({ saved: undefined }), SAVED_NOTICE_MS);
  }
});

/** The wrap-up saved a moment ago, while its confirmation shows. */
export function useWrapUpSaved() {
  return useSavedStore((s) => s.saved);
}
