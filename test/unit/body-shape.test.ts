import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutToDepth, DEPTH_MARKER, depthOf, MAX_DEPTH } from '../../src/intake/body-shape.js';

describe('cutToDepth: a body kept to MAX_DEPTH levels', () => {
  it('leaves a body within the limit as it was, and cuts any other to the limit', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 14 })), (body) => {
        const cut = cutToDepth(body);
        expect(depthOf(cut)).toBeLessThanOrEqual(MAX_DEPTH);
        if (depthOf(body) <= MAX_DEPTH) expect(cut).toEqual(body);
        else expect(JSON.stringify(cut)).toContain(DEPTH_MARKER);
      }),
    );
  });

  it('cuts a hostile body (100 kB of brackets) without recursion, and keeps a __proto__ key a key', () => {
    const hostile = JSON.parse(`{"a":${'['.repeat(50_000)}${']'.repeat(50_000)}}`) as Record<string, unknown>;
    let expected: unknown = DEPTH_MARKER;
    for (let i = 1; i < MAX_DEPTH; i++) expected = [expected];
    expect(cutToDepth(hostile)).toEqual({ a: expected });
    const proto = cutToDepth(JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown>);
    expect(Object.hasOwn(proto, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
