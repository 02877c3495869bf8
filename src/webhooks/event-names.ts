import type { EventKind } from '../core/events.js';

/**
 * The public names of the events a webhook can subscribe to, by our internal kind. Receivers build
 * Zaps on these, so they are a contract: an internal kind may be renamed, its public name may not.
 * Kinds not listed here (bookkeeping such as `classified`, `pass_reason`, `crm_write_failed`) are
 * never sent. Pure.
 */
export const PUBLIC_EVENT_NAMES = {
  received: 'lead.received',
  duplicate: 'lead.duplicate',
  merged: 'lead.merged',
  routed: 'lead.routed',
  offered: 'lead.offered',
  claimed: 'lead.claimed',
  passed: 'lead.passed',
  expired: 'lead.expired',
  escalated: 'lead.escalated',
  assigned: 'lead.assigned',
  contacted: 'lead.contacted',
  held: 'lead.held',
  released: 'lead.released',
  replied: 'lead.replied',
  lead_texted: 'lead.texted_back',
} as const satisfies Partial<Record<EventKind, string>>;

export type PublicEventName = (typeof PUBLIC_EVENT_NAMES)[keyof typeof PUBLIC_EVENT_NAMES];

export const PUBLIC_EVENTS = Object.values(PUBLIC_EVENT_NAMES) as [PublicEventName, ...PublicEventName[]];

/** The public name of an internal kind, or undefined when webhooks never carry it. */
export function publicNameOf(kind: string): PublicEventName | undefined {
  return Object.hasOwn(PUBLIC_EVENT_NAMES, kind)
    ? PUBLIC_EVENT_NAMES[kind as keyof typeof PUBLIC_EVENT_NAMES]
    : undefined;
}

/** The internal kinds a webhook's `events:` list selects (`all` selects every public one). */
export function kindsFor(events: readonly string[]): Set<string> {
  const all = events.includes('all');
  return new Set(
    Object.entries(PUBLIC_EVENT_NAMES)
      .filter(([, name]) => all || events.includes(name))
      .map(([kind]) => kind),
  );
}
