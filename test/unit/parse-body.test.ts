import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { charsetOf, formFields, parseBody } from '../../src/intake/parse-body.js';

describe('parseBody: forms in their charset', () => {
  it('reads a UTF-8 form exactly as URLSearchParams does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ minLength: 1 }), fc.string())), (pairs) => {
        const text = new URLSearchParams(pairs).toString();
        const expected = new Map<string, string | string[]>();
        for (const [k, v] of new URLSearchParams(text)) {
          const seen = expected.get(k);
          expected.set(k, seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v]);
        }
        expect(formFields(text)).toEqual(Object.fromEntries(expected));
      }),
    );
  });

  it('decodes a declared latin1 or windows-1252 form, and names a charset it cannot read', () => {
    const type = (charset: string) => `application/x-www-form-urlencoded; charset=${charset}`;
    const bytes = new TextEncoder().encode('name=Jos%E9&city=S%E3o+Paulo');
    expect(parseBody(type('ISO-8859-1'), bytes)).toEqual({
      ok: true,
      body: { name: 'José', city: 'São Paulo' },
    });
    expect(parseBody(type('utf-16le'), bytes)).toMatchObject({ ok: false, status: 415 });
    expect(parseBody(type('x-none'), bytes)).toMatchObject({
      ok: false,
      status: 415,
      error: expect.stringContaining('x-none'),
    });
    expect(charsetOf('application/json; charset="UTF-8"')).toBe('utf-8');
    expect(charsetOf('application/json')).toBeUndefined();
  });
});
