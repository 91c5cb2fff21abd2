import { describe, expect, it } from 'vitest';
import {
  enqueue,
  memoryStore,
  RUN_SIZE,
  replay,
  verdictOf,
  type NewEntry,
  type OutboxEntry,
  type SendResult,
  type SendRun,
} from './outbox.ts';

const USER = 'u1';
const draft = (summary: string, extra: Partial<NewEntry> = {}): NewEntry => ({
  userId: USER,
  jobId: 'j1',
  kind: 'note',
  method: 'POST',
  path: '/api/jobs/j1/notes',
  body: { text: summary },
  summary,
  ...extra,
});

/**
 * A fake server that applies each key once and answers a replayed key with its first answer, as
 * the contract says the Worker does; `script` decides an answer per summary (default 201).
 */
function server(script: (e: OutboxEntry, attempt: number) => SendResult | 'drop-response' = () => ({ kind: 'answer', status: 201 })) {
  const effects: string[] = [];
  const answers = new Map<string, SendResult>();
  const attempts = new Map<string, number>();
  const send = async (e: OutboxEntry): Promise<SendResult> => {
    const n = (attempts.get(e.key) ?? 0) + 1;
    attempts.set(e.key, n);
    const kept = answers.get(e.key);
    if (kept) return kept;
    const answer = script(e, n);
    if (answer === 'drop-response') {
      // The server did the work, but the phone lost the answer.
      effects.push(e.summary);
      answers.set(e.key, { kind: 'answer', status: 201 });
      return { kind: 'unreachable', message: 'connection reset' };
    }
    if (answer.kind === 'answer' && answer.status < 500 && answer.status !== 401) {
      if (answer.status < 300) effects.push(e.summary);
      answers.set(e.key, answer);
    }
    return answer;
  };
  return { send, effects, attempts };
}

describe('the outbox', () => {
  it('sends entries in the order they were made and empties', async () => {
    const store = memoryStore();
    for (const s of ['on my way', 'arrived', 'note', 'part', 'complete']) await enqueue(store, draft(s), 1_000);
    const s = server();
    const report = await replay(store, s.send, USER);
    expect(s.effects).toEqual(['on my way', 'arrived', 'note', 'part', 'complete']);
    expect(report).toMatchObject({ delivered: 5, refused: [] });
    expect(await store.all()).toEqual([]);
  });

  it('gives each entry its own key, made when the action is taken, and keeps a given one', async () => {
    const store = memoryStore();
    const a = await enqueue(store, draft('a'));
    const b = await enqueue(store, draft('b', { key: 'file-uuid' }));
    expect(a.key).not.toBe(b.key);
    expect(b.key).toBe('file-uuid');
    expect(b.seq).toBeGreaterThan(a.seq);
  });

  it('stops at the first entry that gets no answer, keeping it and everything after it in order', async () => {
    const store = memoryStore();
    for (const s of ['a', 'b', 'c']) await enqueue(store, draft(s));
    const s = server((e, n) =>
      e.summary === 'b' && n === 1 ? { kind: 'unreachable', message: 'offline' } : { kind: 'answer', status: 201 },
    );
    const first = await replay(store, s.send, USER);
    expect(first.delivered).toBe(1);
    expect(first.stoppedAt?.summary).toBe('b');
    expect(first.waiting).toBe(2);
    expect((await store.all()).map((e) => [e.summary, e.attempts, e.lastError])).toEqual([
      ['b', 1, 'No connection'],
      ['c', 0, undefined],
    ]);
    expect(s.attempts.get((await store.all())[1]!.key)).toBeUndefined();
    await replay(store, s.send, USER);
    expect(s.effects).toEqual(['a', 'b', 'c']);
  });

  it('has one effect when a response is lost and the entry is sent again, three times over', async () => {
    const store = memoryStore();
    await enqueue(store, draft('part'));
    const s = server(() => 'drop-response');
    await replay(store, s.send, USER);
    await replay(store, s.send, USER);
    await replay(store, s.send, USER);
    expect(s.effects).toEqual(['part']);
    expect(await store.all()).toEqual([]);
  });

  it('keeps a refused entry with the reason in plain words, and goes on with the rest', async () => {
    const store = memoryStore();
    for (const s of ['arrived', 'note']) await enqueue(store, draft(s));
    const s = server((e) =>
      e.summary === 'arrived'
        ? { kind: 'answer', status: 409, title: 'Not allowed', detail: 'A cancelled job cannot become on site.' }
        : { kind: 'answer', status: 201 },
    );
    const report = await replay(store, s.send, USER, undefined, () => 42);
    expect(report.delivered).toBe(1);
    expect(report.refused).toHaveLength(1);
    const [kept] = await store.all();
    expect(kept).toMatchObject({ summary: 'arrived', state: 'refused', refusal: { status: 409, at: 42 } });
    expect(kept!.refusal!.words).toBe(
      '"arrived" was not accepted because the office changed the job meanwhile (A cancelled job cannot become on site.). Kept on this phone; tell the office.',
    );
    // Not sent again by later replays, and not dropped.
    await replay(store, s.send, USER);
    expect(s.attempts.get(kept!.key)).toBe(1);
    expect(await store.all()).toHaveLength(1);
  });

  it('says a job taken away is no longer on the list', async () => {
    const store = memoryStore();
    await enqueue(store, draft('photo'));
    const report = await replay(store, server(() => ({ kind: 'answer', status: 404, title: 'Not found' })).send, USER);
    expect(report.refused[0]!.refusal!.words).toMatch(/no longer on your list/);
  });

  it('replays only the signed-in person’s entries', async () => {
    const store = memoryStore();
    await enqueue(store, draft('mine'));
    await enqueue(store, draft('theirs', { userId: 'u2' }));
    const s = server();
    await replay(store, s.send, USER);
    expect(s.effects).toEqual(['mine']);
    expect((await store.all()).map((e) => e.summary)).toEqual(['theirs']);
  });

  it('delivers 200 actions in order, once each', async () => {
    const store = memoryStore();
    const made = Array.from({ length: 200 }, (_, i) => `action ${i}`);
    for (const m of made) await enqueue(store, draft(m));
    // Every seventh answer is lost on its first try: the replay stops there and the next one resends it.
    const s = server((e, n) => (n === 1 && Number(e.summary.split(' ')[1]) % 7 === 0 ? 'drop-response' : { kind: 'answer', status: 201 }));
    let replays = 0;
    while ((await store.all()).length && replays < 100) {
      await replay(store, s.send, USER);
      replays++;
    }
    expect(replays).toBe(30);
    expect(s.effects).toEqual(made);
  });
});

/**
 * Runs over the same fake server, as POST /api/replay does over the app: each entry sent in
 * order, stopping after the first that must be sent again. `calls` records each run's summaries.
 */
function runs(s: ReturnType<typeof server>) {
  const calls: string[][] = [];
  const sendRun: SendRun = async (entries) => {
    calls.push(entries.map((e) => e.summary));
    const results: SendResult[] = [];
    for (const e of entries) {
      const r = await s.send(e);
      results.push(r);
      if (verdictOf(r) === 'retry') break;
    }
    return results;
  };
  return { sendRun, calls };
}

describe('the outbox in runs (POST /api/replay)', () => {
  it('sends JSON entries several to a request, a photo on its own, in the order they were made', async () => {
    const store = memoryStore();
    const made = Array.from({ length: RUN_SIZE + 5 }, (_, i) => `note ${i}`);
    for (const m of made.slice(0, 3)) await enqueue(store, draft(m));
    await enqueue(store, draft('photo', { kind: 'photo', body: new Blob(['x']), contentType: 'image/jpeg' }));
    for (const m of made.slice(3)) await enqueue(store, draft(m));
    const s = server();
    const r = runs(s);
    const singles: string[] = [];
    const send = async (e: OutboxEntry) => {
      singles.push(e.summary);
      return s.send(e);
    };
    const report = await replay(store, send, USER, undefined, Date.now, r.sendRun);
    expect(report).toMatchObject({ delivered: RUN_SIZE + 6, refused: [] });
    expect(s.effects).toEqual([...made.slice(0, 3), 'photo', ...made.slice(3)]);
    expect(r.calls.map((c) => c.length)).toEqual([3, RUN_SIZE, 2]);
    expect(singles).toEqual(['photo']);
    expect(await store.all()).toEqual([]);
  });

  it('stops where a run stopped, keeping that entry and the rest in order, and finishes on the next replay once each', async () => {
    const store = memoryStore();
    for (const m of ['a', 'b', 'c', 'd']) await enqueue(store, draft(m));
    const s = server((e, n) => (e.summary === 'b' && n === 1 ? { kind: 'answer', status: 503 } : { kind: 'answer', status: 201 }));
    const r = runs(s);
    const first = await replay(store, s.send, USER, undefined, Date.now, r.sendRun);
    expect(first).toMatchObject({ delivered: 1, waiting: 3 });
    expect(first.stoppedAt).toMatchObject({ summary: 'b', lastError: 'The server answered 503' });
    expect((await store.all()).map((e) => e.summary)).toEqual(['b', 'c', 'd']);
    await replay(store, s.send, USER, undefined, Date.now, r.sendRun);
    expect(s.effects).toEqual(['a', 'b', 'c', 'd']);
    expect(r.calls).toEqual([
      ['a', 'b', 'c', 'd'],
      ['b', 'c', 'd'],
    ]);
  });

  it('keeps a refusal inside a run and goes on, as one at a time would', async () => {
    const store = memoryStore();
    for (const m of ['a', 'cancelled', 'c']) await enqueue(store, draft(m));
    const s = server((e) =>
      e.summary === 'cancelled' ? { kind: 'answer', status: 404, title: 'Not found' } : { kind: 'answer', status: 201 },
    );
    const report = await replay(store, s.send, USER, undefined, Date.now, runs(s).sendRun);
    expect(report.delivered).toBe(2);
    expect((await store.all()).map((e) => [e.summary, e.state])).toEqual([['cancelled', 'refused']]);
  });

  it('sends one at a time when the server does not take the run, and stops on a run that got no answer', async () => {
    const store = memoryStore();
    for (const m of ['a', 'b']) await enqueue(store, draft(m));
    const s = server();
    const declined = await replay(store, s.send, USER, undefined, Date.now, async () => null);
    expect(declined.delivered).toBe(2);
    expect(s.effects).toEqual(['a', 'b']);
    for (const m of ['c', 'd']) await enqueue(store, draft(m));
    const lost = await replay(store, s.send, USER, undefined, Date.now, async () => {
      throw new Error('connection reset');
    });
    expect(lost).toMatchObject({ delivered: 0, waiting: 2, stoppedAt: { summary: 'c', lastError: 'No connection' } });
  });
});

describe('verdictOf', () => {
  const answer = (status: number, more: Partial<Extract<SendResult, { kind: 'answer' }>> = {}): SendResult => ({
    kind: 'answer',
    status,
    ...more,
  });
  it('takes 2xx (a replayed key too) as delivered', () => {
    expect(verdictOf(answer(200))).toBe('delivered');
    expect(verdictOf(answer(201))).toBe('delivered');
  });
  it('takes final refusals as refused', () => {
    for (const s of [400, 403, 404, 409, 413, 415, 422]) expect(verdictOf(answer(s))).toBe('refused');
  });
  it('retries what another try can fix: no answer, signed out, rate limits, server errors, the same key still in progress', () => {
    expect(verdictOf({ kind: 'unreachable', message: 'x' })).toBe('retry');
    for (const s of [401, 408, 429, 500, 502, 503]) expect(verdictOf(answer(s))).toBe('retry');
    expect(verdictOf(answer(409, { retryAfter: 1 }))).toBe('retry');
    expect(verdictOf(answer(409, { title: 'A request with this Idempotency-Key is still in progress' }))).toBe('retry');
  });
});
