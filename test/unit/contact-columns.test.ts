import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { readPhone } from '../../src/core/lead-fields.js';
import {
  parseRetention,
  REMOVED,
  redactText,
  retentionCutoff,
  retentionDay,
} from '../../src/core/retention.js';
import * as schema from '../../src/db/schema.js';
import { CONTACT_COLUMNS } from '../../src/privacy/contact-columns.js';

/** Every text column of the schema (names, phones and emails can only be text), by table. */
function textColumns(): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const value of Object.values(schema)) {
    if (!(value instanceof SQLiteTable)) continue;
    const config = getTableConfig(value);
    tables.set(
      config.name,
      config.columns.filter((c) => c.getSQLType() === 'text').map((c) => c.name),
    );
  }
  return tables;
}

describe('contact columns', () => {
  it('every text column of the schema is decided on: removed with the contact details, or kept and why', () => {
    const undecided: string[] = [];
    for (const [table, columns] of textColumns())
      for (const column of columns)
        if (!CONTACT_COLUMNS[table]?.[column]) undecided.push(`${table}.${column}`);
    // A new column that may hold a lead's name, phone, email or words: add it to
    // src/privacy/contact-columns.ts, and clear it in src/privacy/scrub.ts if it does.
    expect(undecided).toEqual([]);
  });

  it('lists no column the schema does not have', () => {
    const columns = textColumns();
    const stale = Object.entries(CONTACT_COLUMNS).flatMap(([table, list]) =>
      Object.keys(list)
        .filter((column) => !columns.get(table)?.includes(column))
        .map((column) => `${table}.${column}`),
    );
    expect(stale).toEqual([]);
  });
});

describe('retention periods and redaction (pure)', () => {
  it('reads years, months, weeks and days, and refuses minutes, zero and words', () => {
    expect(parseRetention('2y')).toEqual({ amount: 2, unit: 'years', text: '2y' });
    expect(parseRetention(' 18 Months ')).toEqual({ amount: 18, unit: 'months', text: '18 Months' });
    for (const bad of ['90m', '0y', 'forever', '2', 'y', '1h'])
      expect(parseRetention(bad), bad).toBeUndefined();
  });

  it('cuts off by calendar months in the team zone, and runs from 03:00 local time', () => {
    const retention = parseRetention('18 months');
    if (!retention) throw new Error('unreadable');
    expect(
      retentionCutoff(new Date('2026-12-01T09:00:00Z'), retention, 'America/Chicago').toISOString(),
    ).toBe(
      // 03:00 in Austin both days: summer time makes it 08:00 UTC in June.
      '2025-06-01T08:00:00.000Z',
    );
    expect(retentionDay(new Date('2026-12-01T08:59:00Z'), 'America/Chicago')).toBe(undefined);
    expect(retentionDay(new Date('2026-12-01T09:00:00Z'), 'America/Chicago')).toBe('2026-12-01');
  });

  it('removes an email in any case, whole names, and a phone however it is written', () => {
    const details = {
      words: ['jane.buyer@example.com', 'Zephyrine'],
      isPhone: (c: string) => readPhone(c).value === '+15125550142',
    };
    expect(
      redactText(
        '550 <Jane.Buyer@Example.com> rejected; call ZEPHYRINE at (512) 555-0142 or 512.555.0142, not 512-555-0199; Zephyrines',
        details,
      ),
    ).toBe(
      `550 <${REMOVED}> rejected; call ${REMOVED} at ${REMOVED} or ${REMOVED}, not 512-555-0199; Zephyrines`,
    );
  });
});
