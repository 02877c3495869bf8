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
  /** `opensAt` undefined: their hours never open (no days listed that ever come round). */
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
  const busy = (inputs.busy ?? []).filter((b) =>
    isWindowOpen({ startsAt: b.startsAt, endsAt: b.endsAt, endedAt: null, reason: b.reason }, now),
  );
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

function latestEnd(spans: ReadonlyArray<{ endsAt: Date | null }>): Date | null {
  if (spans.some((s) => s.endsAt === null)) return null;
  return new Date(Math.max(...spans.map((s) => s.endsAt?.getTime() ?? 0)));
}

function firstReason(spans: ReadonlyArray<{ reason: string | null }>): string | null {
  return spans.find((s) => s.reason)?.reason ?? null;
}
