import { describe, expect, it } from 'vitest';
import { KickedPass } from '../../src/engine/loop.js';
import { Gate } from '../../src/engine/slack-sync/gate.js';
import type { PendingPost } from '../../src/engine/slack-sync/message-kind.js';
import { oldestFirst } from '../../src/engine/slack-sync/slack-sync.js';

async function microtasks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

describe('KickedPass: a kick is never lost', () => {
  it('a kick at any moment of a pass, its end included, leads to one more pass', async () => {
    // Each depth lands the second kick at a different point; one used to fall between the pass's
    // last check and the moment it counted as finished, and was dropped.
    for (let depth = 0; depth < 30; depth++) {
      let passes = 0;
      const loop = new KickedPass(
        async () => {
          passes += 1;
          return false;
        },
        (error) => {
          throw error;
        },
      );
      loop.kick();
      await microtasks(depth);
      const before = passes;
      loop.kick();
      await loop.idle();
      expect(passes, `second kick after ${depth} microtasks`).toBeGreaterThan(before);
    }
  });

  it('kicks during a pass collapse into one more pass', async () => {
    let passes = 0;
    const loop = new KickedPass(
      async () => {
        passes += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return false;
      },
      () => {},
    );
    loop.kick();
    for (let i = 0; i < 5; i++) loop.kick();
    await loop.idle();
    expect(passes).toBe(2);
  });

  it('a kick from the synchronous start of a pass asks for one more pass instead of starting one inside it', async () => {
    // An outbox delivery that kicks the engine before its first await (a reply already settled)
    // used to start a second pass inside the first, and so on until the stack ran out.
    let passes = 0;
    let depth = 0;
    let deepest = 0;
    const loop: KickedPass = new KickedPass(
      async () => {
        passes += 1;
        depth += 1;
        deepest = Math.max(deepest, depth);
        if (passes < 3) loop.kick();
        depth -= 1;
        return false;
      },
      (error) => {
        throw error;
      },
    );
    loop.kick();
    await loop.idle();
    expect(deepest).toBe(1);
    expect(passes).toBe(3);
  });

  it('an error in a pass is reported and does not stop later kicks', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const loop = new KickedPass(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        return false;
      },
      (error) => errors.push(error),
    );
    await loop.runOnce();
    await loop.runOnce();
    expect(errors).toHaveLength(1);
    expect(calls).toBe(2);
  });
});

describe('Gate: Slack-wide trouble pauses a lane, then lets it go', () => {
  const at = (ms: number) => new Date(ms);

  it('backs off 1, 2, 4 … s (±20 %) after each failure, honours Retry-After, and opens on success', () => {
    const gate = new Gate(() => 0.5);
    expect(gate.isOpen(at(0))).toBe(true);
    gate.close(at(0));
    expect(gate.isOpen(at(999))).toBe(false);
    expect(gate.isOpen(at(1000))).toBe(true);
    gate.close(at(1000));
    expect(gate.openAt).toBe(3000);
    gate.close(at(3000), 30);
    expect(gate.openAt).toBe(33_000);
    gate.succeeded();
    expect(gate.isOpen(at(3000))).toBe(true);
  });
});

describe('oldestFirst: posts of every kind, oldest task first', () => {
  const post = (taskId: number, id = taskId): { post: PendingPost } => ({
    post: { id, taskId, recipient: 'U1', threadTs: null },
  });

  it('merges kinds by task, keeping kind order within a task', () => {
    const offers = [post(1), post(4)];
    const escalations = [post(2, 20), post(4, 40)];
    const merged = oldestFirst([offers, escalations], 10);
    expect(merged.map((m) => [m.post.taskId, m.post.id])).toEqual([
      [1, 1],
      [2, 20],
      [4, 4],
      [4, 40],
    ]);
  });

  it('stops where a full batch ends, so rows beyond it are not overtaken', () => {
    const offers = [post(1), post(2)]; // full: tasks 3+ may be waiting beyond the batch
    const reminders = [post(5, 50)];
    expect(oldestFirst([offers, reminders], 2).map((m) => m.post.taskId)).toEqual([1, 2]);
  });
});
