import { describe, expect, it } from 'vitest';
import { classifySlackFailure, retryDelaySeconds } from '../../src/core/slack-failure.js';

describe('classifySlackFailure', () => {
  it.each([
    ['user_not_found', 'recipient'],
    ['messages_tab_disabled', 'recipient'],
    ['user_disabled', 'recipient'],
    ['channel_not_found', 'recipient'],
    ['invalid_auth', 'token'],
    ['token_revoked', 'token'],
    ['account_inactive', 'token'],
    ['message_not_found', 'gone'],
    ['invalid_blocks', 'content'],
    ['msg_too_long', 'content'],
    ['internal_error', 'transient'],
    ['fatal_error', 'transient'],
    ['service_unavailable', 'transient'],
    // A code we do not know is that message's own refusal, not Slack being down.
    ['restricted_action', 'refused'],
    ['invalid_metadata_format', 'refused'],
    [undefined, 'transient'],
  ] as const)('%s is a %s failure', (code, expected) => {
    expect(classifySlackFailure(code)).toBe(expected);
  });
});

describe('retryDelaySeconds', () => {
  it("uses Slack's Retry-After when it sent one", () => {
    expect(retryDelaySeconds(0, 30, 0.5)).toBe(30);
  });

  it('doubles from 1 s and stops at a minute', () => {
    expect([0, 1, 2, 3, 6, 20].map((n) => retryDelaySeconds(n, undefined, 0.5))).toEqual([
      1, 2, 4, 8, 60, 60,
    ]);
  });

  it('spreads retries by at most 20 % either way', () => {
    expect(retryDelaySeconds(3, undefined, 0)).toBeCloseTo(6.4);
    expect(retryDelaySeconds(3, undefined, 0.999)).toBeLessThan(9.6);
  });
});
