import { DateTime } from 'luxon';
import type { RuleConfig } from '../config/dispatch-schema.js';
import { nextWindow, type WeeklyHours } from './weekly-hours.js';

/** A rule's SLA, frozen on the task when it is routed. */
export type SlaSpec =
  | { kind: 'duration'; seconds: number; clock: 'always' | 'business_hours' }
  | { kind: 'end_of_business_day' };

export function slaSpecOf(rule: RuleConfig, defaultSeconds: number): SlaSpec {
  const sla = rule.sla;
  if (sla === undefined) return { kind: 'duration', seconds: defaultSeconds, clock: 'always' };
  if (typeof sla === 'number') return { kind: 'duration', seconds: sla, clock: 'always' };
  if (sla === 'end_of_business_day') return { kind: 'end_of_business_day' };
  return { kind: 'duration', seconds: sla.within, clock: sla.clock };
}

export function describeSla(spec: SlaSpec): string {
  if (spec.kind === 'end_of_business_day') return 'same business day';
  const minutes = spec.seconds / 60;
  const amount = minutes < 60 || minutes % 60 !== 0 ? `${Math.round(minutes)} min` : `${minutes / 60} h`;
  return spec.clock === 'business_hours' ? `${amount} of business hours` : amount;
}

/** When an offer made at `offeredAt` is due. Never earlier than `offeredAt`. */
export function offerDeadline(spec: SlaSpec, offeredAt: Date, hours: WeeklyHours, zone: string): Date {
  if (spec.kind === 'duration' && spec.clock === 'always')
    return new Date(offeredAt.getTime() + spec.seconds * 1000);
  let cursor: DateTime = DateTime.fromJSDate(offeredAt, { zone });
  if (spec.kind === 'end_of_business_day') {
    const window = nextWindow(hours, cursor);
    return window ? window.end.toJSDate() : offeredAt;
  }
  let remaining = spec.seconds * 1000;
  for (let guard = 0; guard < 400; guard++) {
    const window = nextWindow(hours, cursor);
    if (!window) break;
    const available = window.end.toMillis() - window.start.toMillis();
    if (remaining <= available) return new Date(window.start.toMillis() + remaining);
    remaining -= available;
    cursor = window.end;
  }
  // Business hours with no open day at all: fall back to wall-clock time rather than never.
  return new Date(offeredAt.getTime() + spec.seconds * 1000);
}
