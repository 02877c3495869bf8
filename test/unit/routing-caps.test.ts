import { describe, expect, it } from 'vitest';
import { capReached, capsOf } from '../../src/core/caps.js';

describe('caps', () => {
  it('an agent who sets only per_day keeps the team’s open cap', () => {
    expect(capsOf({ open: 6 }, { per_day: 3 })).toEqual({ open: 6, per_day: 3 });
    expect(capsOf({ open: 6, per_day: 10 }, { open: 2 })).toEqual({ open: 2, per_day: 10 });
    expect(capsOf(undefined, undefined)).toBeUndefined();
  });

  it('says which cap stops the agent, and nothing while under both', () => {
    expect(capReached({ open: 2, per_day: 5 }, { open: 1, today: 4 })).toBeUndefined();
    expect(capReached({ open: 2, per_day: 5 }, { open: 2, today: 0 })).toBe('2 open, the cap is 2');
    expect(capReached({ open: 2, per_day: 5 }, { open: 0, today: 5 })).toBe('5 today, the cap is 5 a day');
    expect(capReached(undefined, { open: 99, today: 99 })).toBeUndefined();
  });
});
