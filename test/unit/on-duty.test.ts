import { describe, expect, it } from 'vitest';
import { onDutyOrder } from '../../src/core/on-duty.js';

const CHICAGO = 'America/Chicago';
const A = 'U0AAAAAAA';
const B = 'U0BBBBBBB';
const C = 'U0CCCCCCC';
const weekly = { agents: [A, B, C], rotate: 'weekly' as const, from: '2026-11-02', handoff: '08:00' };
const daily = { ...weekly, rotate: 'daily' as const };

describe('onDutyOrder', () => {
  it('a plain list is tried in the order written, whatever the time', () => {
    expect(
      onDutyOrder({ agents: [B, A], handoff: '08:00' }, new Date('2026-11-25T05:00:00Z'), CHICAGO),
    ).toEqual([B, A]);
  });

  it.each([
    ['Mon Nov 2, 8:00 AM: the first turn begins', '2026-11-02T14:00:00Z', [A, B, C]],
    ['Mon Nov 9, 7:59 AM: still the first turn', '2026-11-09T13:59:00Z', [A, B, C]],
    ['Mon Nov 9, 8:00 AM: handed over', '2026-11-09T14:00:00Z', [B, C, A]],
    ['Mon Nov 16: the third week', '2026-11-16T15:00:00Z', [C, A, B]],
    ['Wed Nov 25, 2:00 AM: the fourth week, round to the first again', '2026-11-25T08:00:00Z', [A, B, C]],
    ['before from: counts backwards', '2026-10-28T15:00:00Z', [C, A, B]],
  ])('weekly, %s', (_name, at, order) => {
    expect(onDutyOrder(weekly, new Date(at), CHICAGO)).toEqual(order);
  });

  it('daily: 2 AM belongs to the evening before, so a night has one person', () => {
    expect(onDutyOrder(daily, new Date('2026-11-03T03:00:00Z'), CHICAGO)[0]).toBe(A); // Mon 9 PM
    expect(onDutyOrder(daily, new Date('2026-11-03T08:00:00Z'), CHICAGO)[0]).toBe(A); // Tue 2 AM
    expect(onDutyOrder(daily, new Date('2026-11-03T14:00:00Z'), CHICAGO)[0]).toBe(B); // Tue 8 AM
  });

  it('a DST change does not shift the turn (Chicago falls back on Nov 1)', () => {
    const overDst = { ...daily, from: '2026-10-30' };
    // Oct 30 A, Oct 31 B, Nov 1 C, Nov 2 A: 8 AM local is 13:00Z before the change and 14:00Z after.
    expect(onDutyOrder(overDst, new Date('2026-10-31T12:59:00Z'), CHICAGO)[0]).toBe(A);
    expect(onDutyOrder(overDst, new Date('2026-10-31T13:00:00Z'), CHICAGO)[0]).toBe(B);
    expect(onDutyOrder(overDst, new Date('2026-11-01T13:59:00Z'), CHICAGO)[0]).toBe(B);
    expect(onDutyOrder(overDst, new Date('2026-11-01T14:00:00Z'), CHICAGO)[0]).toBe(C);
    expect(onDutyOrder(overDst, new Date('2026-11-02T14:00:00Z'), CHICAGO)[0]).toBe(A);
  });

  it('the handoff is read in the team zone', () => {
    const la = onDutyOrder(weekly, new Date('2026-11-09T15:00:00Z'), 'America/Los_Angeles'); // 7 AM there
    const chi = onDutyOrder(weekly, new Date('2026-11-09T15:00:00Z'), CHICAGO); // 9 AM here
    expect([la[0], chi[0]]).toEqual([A, B]);
  });
});
