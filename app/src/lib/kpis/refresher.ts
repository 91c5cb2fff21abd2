/**
 * How the manager's page fetches again: one fetch at a time, and a burst of change notices
 * coalesced into one fetch.
 *
 * `soon()` is a notice from the org's live channel: the fetch starts `delayMs` after the first
 * notice of a burst, and notices meanwhile join it (a trailing throttle rather than a debounce,
 * so a steady stream of completions cannot hold the numbers back for longer than the delay).
 * `now()` is the person asking for other numbers (a new range): the fetch in flight answers an
 * old question, so it is aborted, and the new one starts as soon as it has let go. A notice that
 * arrives while a fetch is open is one more fetch after it, never a second one beside it.
 */
export interface Refresher {
  now(): void;
  soon(): void;
  /** The page went away: drop what is pending and abort what is in flight. */
  stop(): void;
}

export function refresher(run: (signal: AbortSignal) => Promise<void>, delayMs = 300): Refresher {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: AbortController | null = null;
  let wanted = false;
  let stopped = false;

  async function loop() {
    while (wanted && !stopped) {
      wanted = false;
      const controller = new AbortController();
      inFlight = controller;
      try {
        await run(controller.signal);
      } catch {
        // The caller shows its own errors; a failed fetch must not end live updates.
      } finally {
        inFlight = null;
      }
    }
  }

  function start() {
    wanted = true;
    if (!inFlight) void loop();
  }

  return {
    now() {
      if (stopped) return;
      clearTimeout(timer);
      timer = undefined;
      inFlight?.abort();
      start();
    },
    soon() {
      if (stopped || timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        start();
      }, delayMs);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      inFlight?.abort();
    },
  };
}
