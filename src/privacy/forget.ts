import { eq, inArray, or, sql as raw } from 'drizzle-orm';
import { readEmail, readPhone } from '../core/lead-fields.js';
import type { Db } from '../db/connection.js';
import { leadReplies, smsOptOuts, tasks } from '../db/schema.js';
import { writeTransaction } from '../dispatch/context.js';
import { removeContactDetails } from './scrub.js';

/** Who to forget: a phone (E.164, read as intake reads one) or an email (lower case). */
export type Person = { phone: string } | { email: string };

/** A phone in any format (`(512) 555-0142`, `+1 512 555 0142`) or an email in any case; undefined if neither. */
export function readPerson(text: string): Person | undefined {
  if (text.includes('@')) {
    const email = readEmail(text).value;
    return email ? { email } : undefined;
  }
  const phone = readPhone(text).value;
  return phone ? { phone } : undefined;
}

export interface Forgotten {
  /** Tasks whose contact details were removed (each now has a `details_removed` event). */
  tasks: number;
  /** Earlier events of those tasks whose detail mentioned the person and was rewritten. */
  events: number;
  /** The number texted STOP: its opt-out row is kept (see README). */
  optOutKept: boolean;
}

/**
 * Removes one person's contact details now from every task that holds them: matched on the
 * normalised phone or email columns, the address a reply went to, or a mention in what the sender
 * sent (payload, intake notes), whatever its format. One transaction: all of it or none.
 */
export function forgetPerson(db: Db, person: Person, now: Date, actor = 'cli'): Forgotten {
  return writeTransaction(db, (tx) => {
    const ids = new Set<number>();
    const key = 'phone' in person ? person.phone : person.email;
    const byColumn = tx
      .select({ id: tasks.id })
      .from(tasks)
      .where('phone' in person ? eq(tasks.phone, person.phone) : eq(tasks.email, person.email))
      .all();
    for (const { id } of byColumn) ids.add(id);
    for (const { id } of tx
      .select({ id: leadReplies.taskId })
      .from(leadReplies)
      .where(eq(leadReplies.address, key))
      .all())
      ids.add(id);
    // A mention in the raw body: first narrowed by SQL (the email, or the number's last four digits,
    // which every way of writing it keeps together), then read as intake reads a phone or email.
    const needle = 'phone' in person ? person.phone.slice(-4) : person.email;
    // The whole address, not the end of a longer one (ajane@… is not jane@…).
    const emailIn =
      'email' in person
        ? new RegExp(
            `(?<![\\w.+-])${person.email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-]|\\.\\w)`,
            'i',
          )
        : undefined;
    const mentioned = (value: unknown): boolean => {
      if (typeof value === 'number') return mentioned(String(value));
      if (typeof value === 'string')
        return 'phone' in person
          ? readPhone(value).value === person.phone ||
              [...value.matchAll(/\+?\(?\d[\d\s().-]{5,}\d/g)].some(
                (m) => readPhone(m[0]).value === person.phone,
              )
          : emailIn?.test(value) === true;
      if (Array.isArray(value)) return value.some(mentioned);
      if (value !== null && typeof value === 'object') return Object.values(value).some(mentioned);
      return false;
    };
    for (const row of tx
      .select({ id: tasks.id, payload: tasks.payload, intakeNotes: tasks.intakeNotes })
      .from(tasks)
      .where(
        or(
          raw`instr(lower(${tasks.payload}), ${needle}) > 0`,
          raw`instr(lower(${tasks.intakeNotes}), ${needle}) > 0`,
        ),
      )
      .all())
      if (mentioned(row.payload) || mentioned(row.intakeNotes)) ids.add(row.id);

    const found =
      ids.size === 0
        ? []
        : tx
            .select()
            .from(tasks)
            .where(inArray(tasks.id, [...ids]))
            .all();
    let events = 0;
    for (const task of found)
      events += removeContactDetails(tx, task, {
        reason: 'request',
        actor,
        now,
        also: person,
        updateSlack: true,
      });
    const optOutKept =
      'phone' in person &&
      tx
        .select({ phone: smsOptOuts.phone })
        .from(smsOptOuts)
        .where(eq(smsOptOuts.phone, person.phone))
        .get() !== undefined;
    return { tasks: found.length, events, optOutKept };
  });
}
