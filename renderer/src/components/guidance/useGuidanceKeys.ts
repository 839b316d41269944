import { useEffect } from 'react';
import type { GuidanceView } from '../../../../src/contract/index.js';
import { phasesAround, type Act, type Ticks } from './guidanceState.js';

const DIGIT = /^(?:Digit|Numpad)([1-9])$/;

/**
 * The guidance without the mouse, from anywhere on the desk (a text field too): Alt+PageDown and
 * Alt+PageUp move to the next and previous phase, Alt+1 … Alt+9 tick or untick the current phase's
 * items. Any other key is left alone. AltGr (Ctrl+Alt) is not Alt: it types characters.
 */
export function useGuidanceKeys(
  view: GuidanceView | undefined,
  act: Act,
  ticks: Ticks | undefined,
  onTicked: (text: string, done: boolean) => void,
) {
  useEffect(() => {
    if (!view || !ticks) return;
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.repeat) return;
      if (event.key === 'PageDown' || event.key === 'PageUp') {
        event.preventDefault();
        void act({ type: 'guidance.step', callId: view.callId, delta: event.key === 'PageDown' ? 1 : -1 });
        return;
      }
      const digit = DIGIT.exec(event.code);
      if (!digit) return;
      const phase = phasesAround(view).current;
      const item = phase?.checklist[Number(digit[1]) - 1];
      if (!phase || !item) return;
      event.preventDefault();
      const done = !ticks.isDone(phase.id, item);
      ticks.tick(phase.id, item.id, done);
      onTicked(item.text, done);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [view, act, ticks, onTicked]);
}
