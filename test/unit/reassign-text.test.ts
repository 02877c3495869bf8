import { describe, expect, it } from 'vitest';
import { parseReassignText } from '../../src/core/reassign-text.js';

describe('/dispatch reassign text', () => {
  it('reads the lead, the mention Slack escapes, and the reason', () => {
    expect(parseReassignText('#123 <@U0IVY0001|ivy> Dana is  out sick')).toEqual({
      ok: true,
      taskId: 123,
      agentId: 'U0IVY0001',
      reason: 'Dana is out sick',
    });
    expect(parseReassignText(' 7   <@W0IVY0001> ')).toEqual({
      ok: true,
      taskId: 7,
      agentId: 'W0IVY0001',
      reason: null,
    });
  });

  it('says what is missing or wrong', () => {
    expect(parseReassignText('')).toEqual({ ok: false, problem: 'Say which lead and to whom.' });
    expect(parseReassignText('ivy #12')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('lead number'),
    });
    expect(parseReassignText('#12')).toMatchObject({ ok: false, problem: expect.stringContaining('@ivy') });
    expect(parseReassignText('#12 @ivy')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('mentioning'),
    });
    expect(parseReassignText('#12 <#C0LEADERS1|leaders>')).toMatchObject({ ok: false });
  });
});
