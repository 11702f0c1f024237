import { describe, expect, it } from 'vitest';
import { throttle, type Clock } from './throttle';

/** A clock the test moves by hand. */
function manualClock() {
  let t = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  const clock: Clock = {
    now: () => t,
    setTimeout: (fn, ms) => {
      const id = next++;
      timers.push({ at: t + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      timers = timers.filter((x) => x.id !== id);
    },
  };
  const advance = (ms: number) => {
    t += ms;
    for (const x of timers.filter((x) => x.at <= t)) {
      timers = timers.filter((y) => y !== x);
      x.fn();
    }
  };
  return { clock, advance, pending: () => timers.length };
}

describe('throttle', () => {
  it('runs at once, folds a burst into one trailing call, and runs again after the window', () => {
    const { clock, advance } = manualClock();
    let calls = 0;
    const t = throttle(() => calls++, 1500, clock);
    t.call();
    expect(calls).toBe(1);
    for (let i = 0; i < 20; i++) {
      advance(50);
      t.call();
    }
    expect(calls).toBe(1); // 1 s of events: still inside the window
    advance(500);
    expect(calls).toBe(2); // the trailing call lands at the end of the window
    advance(2000);
    t.call();
    expect(calls).toBe(3); // a quiet period: the next call runs at once
  });

  it('cancels a pending trailing call', () => {
    const { clock, advance, pending } = manualClock();
    let calls = 0;
    const t = throttle(() => calls++, 1000, clock);
    t.call();
    t.call();
    expect(pending()).toBe(1);
    t.cancel();
    advance(5000);
    expect(calls).toBe(1);
  });
});
