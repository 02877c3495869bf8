import { offerDeadline } from './sla.js';
import type { WeeklyHours } from './weekly-hours.js';

/** Work about a deal, not a person asking for help: the same buyer's milestone is not a repeat lead. */
export const NEVER_MERGED_TYPES = ['vendor_coordination', 'contract_milestone', 'post_close'] as const;

const NEVER_MERGED: ReadonlySet<string> = new Set(NEVER_MERGED_TYPES);

/** Whether a task of this type can be a repeat of an earlier lead, or have repeats merged into it. */
export function isMergeable(type: string | null): boolean {
  return !NEVER_MERGED.has(type ?? '');
}

export interface ContactKeys {
  /** E.164, as intake stores it. */
  phone?: string | null | undefined;
  /** Lower case, as intake stores it. */
  email?: string | null | undefined;
}

/** How two tasks are the same person: the same phone first, else the same email; undefined if neither. */
export function sameContact(a: ContactKeys, b: ContactKeys): 'phone' | 'email' | undefined {
  if (a.phone && a.phone === b.phone) return 'phone';
  if (a.email && a.email === b.email) return 'email';
  return undefined;
}

/** A rule's no-contact timer as frozen on the task (`tasks.contact_*`). */
export interface ContactSpec {
  seconds: number;
  clock: 'always' | 'business_hours';
  /** What the second lapse does: the leaders are told, or the next candidate is offered it. */
  onLapse: 'leaders' | 'next';
}

/** The rule's `contact_sla` in one shape: a bare duration runs on the wall clock and escalates. */
export function contactSpecOf(
  contactSla:
    | number
    | { within: number; clock: 'always' | 'business_hours'; onLapse: 'leaders' | 'next' }
    | undefined,
): ContactSpec | undefined {
  if (contactSla === undefined) return undefined;
  if (typeof contactSla === 'number') return { seconds: contactSla, clock: 'always', onLapse: 'leaders' };
  return { seconds: contactSla.within, clock: contactSla.clock, onLapse: contactSla.onLapse };
}

/**
 * When a window of `seconds` opened at `from` closes: on the wall clock, or counting only
 * business hours (a 30 min window opened at 5:50 pm closes at 9:20 the next business morning).
 */
export function contactDeadline(
  spec: Pick<ContactSpec, 'seconds' | 'clock'>,
  from: Date,
  hours: WeeklyHours,
  zone: string,
): Date {
  return offerDeadline({ kind: 'duration', seconds: spec.seconds, clock: spec.clock }, from, hours, zone);
}
