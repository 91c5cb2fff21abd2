/** How long the room merges updates before a fan-out (rooms/fan-out.ts `windowFor`), without a room. */
import { describe, expect, it } from 'vitest';
import { MAX_WINDOW_MS, WINDOW_MS, windowFor } from './fan-out.ts';

describe('windowFor', () => {
  it('merges longer only when the sends would pass the budget, and then in step with the sockets', () => {
    // A quiet board with many watchers, or a busy one with few: the short window.
    expect(windowFor(100, 40)).toBe(WINDOW_MS);
    expect(windowFor(10, 1000)).toBe(WINDOW_MS);
    expect(windowFor(25, 800)).toBe(WINDOW_MS);
    // Busy and crowded: 0.2 ms a socket, up to the cap.
    expect(windowFor(50, 400)).toBe(10);
    expect(windowFor(100, 100)).toBe(20);
    expect(windowFor(300, 100)).toBe(MAX_WINDOW_MS);
  });
});
