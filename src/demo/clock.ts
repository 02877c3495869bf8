import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';

/** The speeds the demo page offers: real time, or fast enough to watch an SLA lapse in seconds. */
export const DEMO_SPEEDS = [1, 10, 60] as const;
export type DemoSpeed = (typeof DEMO_SPEEDS)[number];

/**
 * The demo's clock, and only the demo's: it runs at 1×, 10× or 60× real time and can jump ahead,
 * so SLAs, backups and escalations can be watched in a minute. It never goes back, so no deadline
 * the app has written is ever in the future of a time it already saw pass. `start` uses the
 * system clock for the real time underneath, which tests may replace.
 */
export class DemoClock implements Clock {
  private anchor: number;
  private realAnchor: number;
  private currentSpeed: DemoSpeed = 1;

  constructor(
    start: Date,
    private readonly realNow: () => number = Date.now,
  ) {
    this.anchor = start.getTime();
    this.realAnchor = realNow();
  }

  now(): Date {
    return new Date(this.anchor + (this.realNow() - this.realAnchor) * this.currentSpeed);
  }

  get speed(): DemoSpeed {
    return this.currentSpeed;
  }

  setSpeed(speed: DemoSpeed): void {
    this.rebase(this.now().getTime());
    this.currentSpeed = speed;
  }

  /** Moves to `at` if it is ahead; returns the time now. */
  jumpTo(at: Date): Date {
    const now = this.now().getTime();
    this.rebase(Math.max(now, at.getTime()));
    return this.now();
  }

  private rebase(at: number): void {
    this.anchor = at;
    this.realAnchor = this.realNow();
  }
}

/**
 * Where the demo's day begins: now, when it is a weekday between 9 AM and 4 PM in the team's zone,
 * else the next weekday at 9:30 AM, so the first lead finds agents at work (after-hours has its own
 * example, which moves the clock on purpose).
 */
export function demoStart(realNow: Date, zone: string): Date {
  const here = DateTime.fromJSDate(realNow, { zone });
  const working = (t: DateTime) => t.weekday <= 5 && t.hour >= 9 && t.hour < 16;
  if (working(here)) return realNow;
  let day = here.startOf('day').set({ hour: 9, minute: 30 });
  if (day <= here) day = day.plus({ days: 1 });
  while (day.weekday > 5) day = day.plus({ days: 1 });
  return day.toJSDate();
}

/**
 * The next weekday 9:30 PM in the team's zone: after everyone's working hours, the ISA's included.
 * Already on a weekday evening (a second after-hours lead), it is now: the clock stays where it is.
 */
export function nextEvening(now: Date, zone: string): Date {
  const here = DateTime.fromJSDate(now, { zone });
  let evening = here.set({ hour: 21, minute: 30, second: 0, millisecond: 0 });
  if (evening <= here && here.weekday <= 5) return now;
  if (evening <= here) evening = evening.plus({ days: 1 });
  // A weekday evening, so the example shows on-duty cover and not a quiet weekend.
  while (evening.weekday > 5) evening = evening.plus({ days: 1 });
  return evening.toJSDate();
}
