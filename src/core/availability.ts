import { nextOpening, type WeeklyHours, withinAnyHours } from './weekly-hours.js';

/** One away window as the rows hold it. */
export interface AwayWindow {
  startsAt: Date;
  /** Null: until they say /back. */
  endsAt: Date | null;
  /** Set when /back closed the window early. */
  endedAt: Date | null;
  reason: string | null;
}

/** Where a "busy" came from: Slack Do Not Disturb, a Slack status that means away, or a calendar. */
export type SignalSource = 'dnd' | 'status' | 'calendar';

/** A stretch of time an optional signal marks the agent busy. */
export interface BusySignal {
  source: SignalSource;
  startsAt: Date;
  /** Null: no known end (a Slack status that never expires). */
  endsAt: Date | null;
  /** Shown to leaders, e.g. the status text; never a calendar event's title. */
  reason: string | null;
}

/** An agent's working hours, read in their own zone; null means they can be offered leads at any hour. */
export interface WorkingHours {
  weekly: readonly WeeklyHours[];
  zone: string;
}

export type Availability =
  | { available: true }
  | { available: false; why: 'inactive' }
  | { available: false; why: 'away'; until: Date | null; reason: string | null }
  | { available: false; why: 'busy'; source: SignalSource; until: Date | null; reason: string | null }
  /** `opensAt` undefined: their hours never open. */
  | { available: false; why: 'off_hours'; opensAt: Date | undefined };

export interface AvailabilityInputs {
  /** `/away` windows (open ones; closed ones are ignored anyway). */
  windows: readonly AwayWindow[];
  busy?: readonly BusySignal[];
  hours?: WorkingHours | null;
}

export function isWindowOpen(w: AwayWindow, now: Date): boolean {
  const t = now.getTime();
  return (
    w.startsAt.getTime() <= t &&
    (w.endedAt === null || w.endedAt.getTime() > t) &&
    (w.endsAt === null || w.endsAt.getTime() > t)
  );
}

/**
 * Whether an agent can take an offer at `now`, and if not, the one reason that matters most:
 * what they said (/away) before what a signal guessed (busy), before the clock (off hours).
 * Off hours comes last because it is the only reason on-duty cover may override.
 * Overlapping windows combine: they are back when the last one ends; an open-ended one wins.
 */
export function availabilityAt(
  agent: { active: boolean },
  inputs: AvailabilityInputs,
  now: Date,
): Availability {
  if (!agent.active) return { available: false, why: 'inactive' };
  const away = inputs.windows.filter((w) => isWindowOpen(w, now));
  if (away.length > 0) {
    return { available: false, why: 'away', until: latestEnd(away), reason: firstReason(away) };
  }
  const busy = (inputs.busy ?? []).filter((b) => isSignalOpen(b, now));
  const first = busy[0];
  if (first) {
    const source = busy.find((b) => b.endsAt === null)?.source ?? first.source;
    return { available: false, why: 'busy', source, until: latestEnd(busy), reason: firstReason(busy) };
  }
  const hours = inputs.hours;
  if (hours && !withinAnyHours(hours.weekly, now, hours.zone)) {
    return { available: false, why: 'off_hours', opensAt: nextOpening(hours.weekly, now, hours.zone) };
  }
  return { available: true };
}

/**
 * For an agent outside their working hours, what after-hours routing needs, whatever else stops them:
 * - `coverable`: on-duty cover may reach them now. Cover overrides the clock, and Do Not Disturb is
 *   part of the clock (most people's DND schedule is their night), but not /away, a status or a meeting.
 * - `opensAt`: when a held lead could go to them: their next opening once whatever blocks them has
 *   ended; undefined when that is unknown (away until /back) or their hours never open.
 * Undefined when they are inactive, have no working hours, or are within them.
 */
export function offHoursOf(
  agent: { active: boolean },
  inputs: AvailabilityInputs,
  now: Date,
): { opensAt: Date | undefined; coverable: boolean } | undefined {
  const hours = inputs.hours;
  if (!agent.active || !hours || withinAnyHours(hours.weekly, now, hours.zone)) return undefined;
  const blocking: Array<{ endsAt: Date | null; source?: SignalSource }> = [
    ...inputs.windows.filter((w) => isWindowOpen(w, now)),
    ...(inputs.busy ?? []).filter((b) => isSignalOpen(b, now)),
  ];
  const coverable = blocking.every((b) => b.source === 'dnd');
  const freeFrom = blocking.length > 0 ? latestEnd(blocking) : now;
  const opensAt = freeFrom ? nextOpening(hours.weekly, freeFrom, hours.zone) : undefined;
  return { opensAt, coverable };
}

/** A signal is a window nobody closes early: it ends when its source says. */
function isSignalOpen(signal: BusySignal, now: Date): boolean {
  return isWindowOpen({ ...signal, endedAt: null }, now);
}

function latestEnd(spans: ReadonlyArray<{ endsAt: Date | null }>): Date | null {
  if (spans.some((s) => s.endsAt === null)) return null;
  return new Date(Math.max(...spans.map((s) => s.endsAt?.getTime() ?? 0)));
}

function firstReason(spans: ReadonlyArray<{ reason: string | null }>): string | null {
  return spans.find((s) => s.reason)?.reason ?? null;
}
