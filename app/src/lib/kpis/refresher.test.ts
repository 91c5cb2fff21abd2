import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { refresher } from './refresher.ts';

/** A fetch that stays open until the test ends it, counting how many are open at once. */
function gate() {
  let open = 0;
  let most = 0;
  const calls: { signal: AbortSignal; end: () => void }[] = [];
  const run = (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      open++;
      most = Math.max(most, open);
      const end = () => {
        open--;
        resolve();
      };
      signal.addEventListener('abort', end, { once: true });
      calls.push({ signal, end });
    });
  return { run, calls, most: () => most };
}

/** Lets the refresher's promise chain run (no timers involved). */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the refresher behind the live page', () => {
  it('turns a burst of notices into one fetch, at most the delay after the first', async () => {
    const g = gate();
    const r = refresher(g.run, 300);
    r.soon();
    await vi.advanceTimersByTimeAsync(200);
    r.soon();
    r.soon();
    await vi.advanceTimersByTimeAsync(99);
    expect(g.calls).toHaveLength(0);
    // 300 ms after the first notice, not after the last: a steady stream cannot hold the page back.
    await vi.advanceTimersByTimeAsync(1);
    expect(g.calls).toHaveLength(1);
  });

  it('never has two fetches open: a notice during a fetch is one more fetch after it', async () => {
    const g = gate();
    const r = refresher(g.run, 300);
    r.now();
    await settle();
    expect(g.calls).toHaveLength(1);
    r.soon();
    await vi.advanceTimersByTimeAsync(300);
    r.soon();
    await vi.advanceTimersByTimeAsync(300);
    expect(g.calls).toHaveLength(1);
    g.calls[0]!.end();
    await settle();
    expect(g.calls).toHaveLength(2);
    g.calls[1]!.end();
    await settle();
    expect(g.calls).toHaveLength(2);
    expect(g.most()).toBe(1);
  });

  it('drops the fetch in flight when asked for new numbers now (another range), then fetches once', async () => {
    const g = gate();
    const r = refresher(g.run, 300);
    r.now();
    await settle();
    r.now();
    expect(g.calls[0]!.signal.aborted).toBe(true);
    await settle();
    expect(g.calls).toHaveLength(2);
    expect(g.calls[1]!.signal.aborted).toBe(false);
    expect(g.most()).toBe(1);
  });

  it('does nothing more once stopped: the pending notice and the fetch in flight are dropped', async () => {
    const g = gate();
    const r = refresher(g.run, 300);
    r.now();
    await settle();
    r.soon();
    r.stop();
    expect(g.calls[0]!.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(g.calls).toHaveLength(1);
    r.now();
    await settle();
    expect(g.calls).toHaveLength(1);
  });

  it('keeps going after a fetch that failed', async () => {
    let n = 0;
    const r = refresher(async () => {
      n++;
      if (n === 1) throw new Error('down');
    }, 300);
    r.now();
    await settle();
    r.soon();
    await vi.advanceTimersByTimeAsync(300);
    expect(n).toBe(2);
  });
});
