// A call-rate limit for refreshes driven by events: the first call runs at once, later calls within `ms`
// are folded into one trailing call at the end of the window, so the last change always lands and a burst
// of events costs at most one call per window. The clock is a parameter so tests need no real time.

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface Throttled {
  /** Ask for a call: now if the window has passed, else once at its end. */
  call(): void;
  /** Drop a pending trailing call. */
  cancel(): void;
}

export function throttle(fn: () => void, ms: number, clock: Clock = realClock): Throttled {
  let last = -Infinity;
  let timer: unknown = null;
  const run = () => {
    timer = null;
    last = clock.now();
    fn();
  };
  return {
    call() {
      if (timer !== null) return;
      const wait = last + ms - clock.now();
      if (wait <= 0) run();
      else timer = clock.setTimeout(run, wait);
    },
    cancel() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}
