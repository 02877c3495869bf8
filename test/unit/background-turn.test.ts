import { describe, expect, it } from 'vitest';
import { backgroundTurn } from '../../src/engine/turns.js';

/** Counts turns of the event loop: one tick per check phase, queued before any slice asks. */
function turnCounter(): { turn: () => number; stop: () => void } {
  let turn = 0;
  let running = true;
  const tick = () => {
    turn += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    turn: () => turn,
    stop: () => {
      running = false;
    },
  };
}

describe('background work takes turns', () => {
  it('slices that yield together run one a turn of the event loop, in the order they asked', async () => {
    const counter = turnCounter();
    const ran: Array<[string, number]> = [];
    // Three loops yield at once (a sweep's slice, a Home, a part of a leader's week): with a
    // setImmediate each, all three ran in the same turn, one after the other.
    await Promise.all(
      ['sweep', 'home', 'week'].map(async (name) => {
        await backgroundTurn();
        ran.push([name, counter.turn()]);
      }),
    );
    counter.stop();
    expect(ran.map(([name]) => name)).toEqual(['sweep', 'home', 'week']);
    const turns = ran.map(([, turn]) => turn);
    expect(new Set(turns).size).toBe(3);
    expect(turns).toEqual([...turns].sort((a, b) => a - b));
  });

  it('a slice asked for from inside a slice waits for a later turn', async () => {
    const counter = turnCounter();
    await backgroundTurn();
    const first = counter.turn();
    await backgroundTurn();
    expect(counter.turn()).toBeGreaterThan(first);
    counter.stop();
  });
});
