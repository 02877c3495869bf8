import { describe, expect, it } from 'vitest';
import { smsProblem } from '../../src/integrations/twilio/errors.js';
import { twilioSignature, verifyTwilioSignature } from '../../src/integrations/twilio/signature.js';

// The worked example of Twilio's webhook-security docs (and twilio-node's own test fixture): not
// produced by our code, so it catches a base string that is wrong yet agrees with itself.
const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const docsParams = (caller: string) => ({
  CallSid: 'CA1234567890ABCDE',
  Caller: caller,
  Digits: '1234',
  From: caller,
  To: '+18005551212',
});

describe('Twilio request signature', () => {
  it("matches Twilio's documented examples", () => {
    expect(twilioSignature(TOKEN, URL, docsParams('+14158675310'))).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
    expect(twilioSignature(TOKEN, URL, docsParams('+14158675309'))).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('does not depend on the order the parameters arrive in', () => {
    const { To, From, Digits, Caller, CallSid } = docsParams('+14158675310');
    expect(twilioSignature(TOKEN, URL, { To, From, Digits, Caller, CallSid })).toBe(
      'GvWf1cFY/Q7PnoempGyD5oXAezc=',
    );
  });

  it('sorts names case-sensitively, capitals first, as Twilio does', () => {
    const signed = twilioSignature(TOKEN, URL, { b: '1', A: '2', a: '3' });
    const byHand = twilioSignature(TOKEN, `${URL}A2a3b1`, {});
    expect(signed).toBe(byHand);
  });

  it('accepts the genuine header and refuses a changed parameter, URL, token, or none at all', () => {
    const params = docsParams('+14158675310');
    const header = 'GvWf1cFY/Q7PnoempGyD5oXAezc=';
    expect(verifyTwilioSignature(TOKEN, URL, params, header)).toBe(true);
    expect(verifyTwilioSignature(TOKEN, URL, { ...params, Digits: '9999' }, header)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, { ...params, Extra: '' }, header)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, 'https://mycompany.com/myapp.php?foo=1', params, header)).toBe(false);
    expect(verifyTwilioSignature('54321', URL, params, header)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, params, undefined)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, params, '')).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, params, 'short')).toBe(false);
  });
});

describe('Twilio error codes in our words', () => {
  it('tells an opted-out contact from a number that cannot take texts', () => {
    expect(smsProblem(21610)).toBe('opted-out');
    for (const code of [21211, 21612, 30003, 30005, 30006])
      expect(smsProblem(code)).toBe('undeliverable-number');
    expect(smsProblem(21606)).toBe('bad-sender');
    expect(smsProblem(21617)).toBe('too-long');
    expect(smsProblem(30007)).toBe('filtered');
    expect(smsProblem(99999)).toBe('other');
  });
});
