/**
 * Background work that is sliced to stay out of the way of leads and clicks (a sweep's backlog,
 * App Homes, a leader's week) yields here between slices. A slice waits for the next turn of the
 * event loop and slices take turns, one a turn: each yielding with its own `setImmediate`, they
 * lined up in the same turn (Node runs every immediate queued before that phase began), and a
 * request that arrived meanwhile waited for all of them, up to 70–90 ms in a backlog of 1,000
 * offers. A lead's routing and DM and a click's update never wait here; only a backlog of DM
 * updates (a full batch) does, past its first few.
 */
// Node's own, not a test's fake timers: a fake immediate left pending would stall every later turn.
import { setImmediate } from 'node:timers';

const waiting: Array<() => void> = [];
let pumping = false;

/** Resolves in a later turn of the event loop, after the slices that asked before. */
export function backgroundTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  });
}

function pump(): void {
  // The slice runs in this turn, right after this callback (its continuation is a microtask).
  waiting.shift()?.();
  // An immediate queued from an immediate runs in the next turn: timers and I/O go between.
  if (waiting.length > 0) setImmediate(pump);
  else pumping = false;
}
