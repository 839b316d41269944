import { useState } from 'react';
import type { Call, Command, CommandResult, GuidanceView, PhaseId } from '../../../../src/contract/index.js';
import { useSoftphone } from '../../state/store.js';
import { focusedCall } from '../customers/CustomerColumn.js';

/** The guidance of the call the desk is about: the same call the customer column shows. */
export function useFocusedGuidance(): GuidanceView | undefined {
  const calls = useSoftphone((s) => s.calls);
  const guidance = useSoftphone((s) => s.guidance);
  return guidanceOf(focusedCall(calls), guidance);
}

/** Whether the desk has guidance to show (re-renders only when that changes). */
export function useHasGuidance(): boolean {
  return useSoftphone((s) => guidanceOf(focusedCall(s.calls), s.guidance) !== undefined);
}

export function guidanceOf(call: Call | undefined, guidance: GuidanceView[]): GuidanceView | undefined {
  return call ? guidance.find((view) => view.callId === call.id) : undefined;
}

/** The current phase of a view, and the one after it (the first still to come). */
export function phasesAround(view: GuidanceView) {
  const index = view.phases.findIndex((phase) => phase.id === view.current);
  const current = view.phases[index];
  const next = index < 0 ? undefined : view.phases.slice(index + 1).find((phase) => phase.status !== 'done');
  return { current, next, index };
}

/** Sends a guidance command; a failure shows in the panel unless `quiet` (the caller shows its own). */
export type Act = (command: Command, options?: { quiet?: boolean }) => Promise<CommandResult>;

/**
 * Ticks show at once, before the core's answer comes back: a tick waiting for its answer overrides
 * the view it was made on, and is forgotten as soon as a newer view arrives.
 */
export function useTicks(view: GuidanceView, act: Act) {
  const [pending, setPending] = useState<{ on: GuidanceView; done: Record<string, boolean> }>({ on: view, done: {} });
  const overrides = pending.on === view ? pending.done : {};
  const isDone = (phase: PhaseId, item: { id: string; done: boolean }) => overrides[`${phase}/${item.id}`] ?? item.done;
  const tick = (phase: PhaseId, item: string, done: boolean) => {
    const key = `${phase}/${item}`;
    setPending((before) => ({ on: view, done: { ...(before.on === view ? before.done : {}), [key]: done } }));
    void act({ type: 'guidance.tick', callId: view.callId, phase, item, done }).then((result) => {
      if (result.ok) return;
      setPending((before) => {
        const { [key]: _dropped, ...rest } = before.done;
        return { on: before.on, done: rest };
      });
    });
  };
  return { isDone, tick };
}
export type Ticks = ReturnType<typeof useTicks>;

/** Minutes and seconds, for timers ("03:07"). */
export function clock(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

export function timeOfDay(epoch: number, language: string): string {
  return new Date(epoch).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' });
}

/** A language tag by name in the interface's language ("it" → "Italian"), the tag when unknown. */
export function languageName(tag: string, uiLanguage: string): string {
  try {
    return new Intl.DisplayNames([uiLanguage], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
