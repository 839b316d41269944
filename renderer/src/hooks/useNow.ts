import { useEffect, useState } from 'react';

/**
 * The current time, ticking every second while `active` (countdowns, call timers); `everyMs` ticks
 * less often where the text changes by the minute ("synced 2 min ago").
 */
export function useNow(active: boolean, everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
  return now;
}
