import type { Clock } from '../../src/clock.js';
import { parseDuration } from '../../src/core/duration.js';

/** A clock tests move by hand: `clock.advance('5m')`, never a sleep. */
export class TestClock implements Clock {
  private current: number;

  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(by: string | number): Date {
    const ms = typeof by === 'number' ? by : (parseDuration(by) ?? Number.NaN) * 1000;
    if (!Number.isFinite(ms)) throw new Error(`cannot advance the clock by "${by}"`);
    this.current += ms;
    return this.now();
  }

  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
}
