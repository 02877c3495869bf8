import { describe, expect, it } from 'vitest';
import { UnansweredLeads } from '../../src/engine/unanswered-leads.js';

/** A promise and the hands to settle it (Promise.withResolvers is Node 22). */
function deferred(): { promise: Promise<void>; resolve(): void; reject(error: Error): void } {
  let resolve: () => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('UnansweredLeads', () => {
  it('holds a lead until its answer is written, then forgets it', async () => {
    const leads = new UnansweredLeads();
    const answer = deferred();
    leads.add(7, answer.promise);
    const wait = leads.answerOf(7);
    expect(wait).toBeInstanceOf(Promise);
    expect(leads.answerOf(8)).toBeUndefined();
    let released = false;
    void wait?.then(() => {
      released = true;
    });
    await Promise.resolve();
    expect(released).toBe(false);
    answer.resolve();
    await wait;
    expect(released).toBe(true);
    expect(leads.answerOf(7)).toBeUndefined();
  });

  it('a failed answer (the 503 of a disk error) releases the message too, and is not an unhandled rejection', async () => {
    const leads = new UnansweredLeads();
    const answer = deferred();
    leads.add(3, answer.promise);
    const wait = leads.answerOf(3);
    answer.reject(new Error('EIO'));
    await expect(wait).resolves.toBeUndefined();
    expect(leads.answerOf(3)).toBeUndefined();
  });
});
