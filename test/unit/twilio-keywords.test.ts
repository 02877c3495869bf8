import { describe, expect, it } from 'vitest';
import { smsKeyword } from '../../src/integrations/twilio/keywords.js';

describe("Twilio's opt-out keywords", () => {
  it.each(['STOP', 'stop', ' Stop\n', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'])(
    '%j opts out',
    (body) => {
      expect(smsKeyword(body)).toBe('opt-out');
    },
  );

  it.each(['START', 'yes', 'UNSTOP'])('%j opts back in', (body) => {
    expect(smsKeyword(body)).toBe('opt-in');
  });

  it('HELP and INFO ask for help', () => {
    expect(smsKeyword('help')).toBe('help');
    expect(smsKeyword('INFO')).toBe('help');
  });

  it('a sentence that contains a keyword is a plain text', () => {
    expect(smsKeyword('Please stop by at 5')).toBeNull();
    expect(smsKeyword('yes please call me')).toBeNull();
    expect(smsKeyword('STOP.')).toBeNull();
    expect(smsKeyword('')).toBeNull();
  });

  it("trusts Twilio's OptOutType when Advanced Opt-Out sends one (a custom keyword, say)", () => {
    expect(smsKeyword('ARRET', 'STOP')).toBe('opt-out');
    expect(smsKeyword('GO', 'START')).toBe('opt-in');
    expect(smsKeyword('STOP', 'unknown')).toBe('opt-out');
  });
});
