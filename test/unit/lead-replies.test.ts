import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  parseDispatchConfig,
  parseDispatchConfigWithWarnings,
} from '../../src/config/load-dispatch.js';
import {
  leadZones,
  openingInWords,
  quietHoursEnd,
  quietUntil,
  slaInWords,
  spokenFirstName,
} from '../../src/core/reply-words.js';
import { renderReply, templateProblems } from '../../src/replies/template.js';
import { replyVariables } from '../../src/replies/variables.js';
import { exampleWithReplies } from '../support/reply-config.js';

const CHICAGO = 'America/Chicago';
/** Keys of the shapes the app takes at start. */
const GOOD_ENV: Record<string, string> = {
  TWILIO_ACCOUNT_SID: `AC${'0a'.repeat(16)}`,
  TWILIO_AUTH_TOKEN: 'a-long-enough-auth-token',
  SMTP_URL: 'smtp://u:p@smtp.example.com:587',
  PUBLIC_URL: 'https://dispatch.example.com',
};

describe('reply words', () => {
  it('says a rule’s SLA the way a lead reads it', () => {
    expect(slaInWords({ kind: 'duration', seconds: 300, clock: 'always' })).toBe('5 minutes');
    expect(slaInWords({ kind: 'duration', seconds: 60, clock: 'always' })).toBe('1 minute');
    expect(slaInWords({ kind: 'duration', seconds: 3600, clock: 'always' })).toBe('1 hour');
    expect(slaInWords({ kind: 'duration', seconds: 5400, clock: 'always' })).toBe('1 hour and 30 minutes');
    expect(slaInWords({ kind: 'duration', seconds: 7200, clock: 'business_hours' })).toBe('2 business hours');
    expect(slaInWords({ kind: 'end_of_business_day' })).toBe('the end of the business day');
  });

  it('says when someone opens, in the lead’s own zone', () => {
    const now = new Date('2026-11-26T05:00:00Z'); // Wed 23:00 in Chicago, Thu 00:00 in New York
    expect(openingInWords(new Date('2026-11-26T14:00:00Z'), now, CHICAGO)).toBe('tomorrow at 8 AM');
    expect(openingInWords(new Date('2026-11-26T14:00:00Z'), now, 'America/New_York')).toBe('today at 9 AM');
    expect(openingInWords(new Date('2026-11-26T14:30:00Z'), now, CHICAGO)).toBe('tomorrow at 8:30 AM');
    expect(openingInWords(new Date('2026-11-28T14:00:00Z'), now, CHICAGO)).toBe('Saturday at 8 AM');
    expect(openingInWords(new Date('2026-12-10T14:00:00Z'), now, CHICAGO)).toBe(
      'Thursday, December 10 at 8 AM',
    );
    expect(openingInWords(now, now, CHICAGO)).toBe('right away');
    expect(openingInWords(undefined, now, CHICAGO)).toBe('right away');
  });

  it('finds the end of quiet hours across midnight, and nothing outside them', () => {
    const quiet = { start: '21:00', end: '08:00' };
    expect(quietHoursEnd(new Date('2026-11-26T05:00:00Z'), CHICAGO, quiet)).toEqual(
      new Date('2026-11-26T14:00:00Z'),
    );
    expect(quietHoursEnd(new Date('2026-11-26T03:30:00Z'), CHICAGO, quiet)).toEqual(
      new Date('2026-11-26T14:00:00Z'),
    );
    expect(quietHoursEnd(new Date('2026-11-26T13:59:00Z'), CHICAGO, quiet)).toEqual(
      new Date('2026-11-26T14:00:00Z'),
    );
    expect(quietHoursEnd(new Date('2026-11-26T14:00:00Z'), CHICAGO, quiet)).toBeUndefined();
    expect(quietHoursEnd(new Date('2026-11-26T02:59:00Z'), CHICAGO, quiet)).toBeUndefined();
    // 23:00 in Chicago is already 0:00 in New York, and 21:00 in Los Angeles: quiet in two of three.
    expect(quietHoursEnd(new Date('2026-11-26T05:00:00Z'), 'America/Los_Angeles', quiet)).toEqual(
      new Date('2026-11-26T16:00:00Z'),
    );
    // A window within one day, and none at all.
    expect(
      quietHoursEnd(new Date('2026-11-25T19:00:00Z'), CHICAGO, { start: '12:00', end: '14:00' }),
    ).toEqual(new Date('2026-11-25T20:00:00Z'));
    expect(
      quietHoursEnd(new Date('2026-11-25T19:00:00Z'), CHICAGO, { start: '08:00', end: '08:00' }),
    ).toBeUndefined();
  });

  it('keeps every zone the lead may be in: the area code’s (a few at most) and the zip’s', () => {
    expect(leadZones({ phoneZones: ['America/Denver'], zipZone: CHICAGO, teamZone: CHICAGO })).toEqual([
      'America/Denver',
      CHICAGO,
    ]);
    expect(
      leadZones({
        phoneZones: ['America/Boise', 'America/Los_Angeles'],
        zipZone: undefined,
        teamZone: CHICAGO,
      }),
    ).toEqual(['America/Boise', 'America/Los_Angeles']);
    // A toll-free number lies in no place: only the zip, else the team, says where the lead is.
    const everywhere = Array.from({ length: 40 }, (_, i) => `Zone/${i}`);
    expect(leadZones({ phoneZones: everywhere, zipZone: undefined, teamZone: CHICAGO })).toEqual([CHICAGO]);
    expect(leadZones({ phoneZones: [], zipZone: undefined, teamZone: CHICAGO })).toEqual([CHICAGO]);
  });

  it('texts only when it is day in every zone the lead may be in', () => {
    const quiet = { start: '21:00', end: '08:00' };
    // 8:05 in Chicago is 6:05 in Los Angeles: wait for 8:00 there.
    const now = new Date('2026-11-26T14:05:00Z');
    expect(quietUntil(now, [CHICAGO], quiet)).toBeUndefined();
    expect(quietUntil(now, [CHICAGO, 'America/Los_Angeles'], quiet)).toEqual(
      new Date('2026-11-26T16:00:00Z'),
    );
    // 20:30 in Chicago is 21:30 in New York: quiet there now, and at 8:00 New York it is 7:00 in
    // Chicago, so the text goes at 8:00 Chicago.
    expect(quietUntil(new Date('2026-11-26T02:30:00Z'), ['America/New_York', CHICAGO], quiet)).toEqual(
      new Date('2026-11-26T14:00:00Z'),
    );
    // New York and Honolulu: no moment of one evening is day in both, so it waits for the first one that is.
    expect(
      quietUntil(new Date('2026-11-26T03:00:00Z'), ['America/New_York', 'Pacific/Honolulu'], quiet),
    ).toEqual(new Date('2026-11-26T18:00:00Z'));
  });
});

describe('the first name a greeting uses', () => {
  it('takes the first word with a letter, and capitalises one typed all in lower case', () => {
    expect(spokenFirstName('jane')).toBe('Jane');
    expect(spokenFirstName('🏠 Ana Lucia')).toBe('Ana');
    expect(spokenFirstName('McKenzie')).toBe('McKenzie');
    expect(spokenFirstName('de la Cruz')).toBe('De');
    expect(spokenFirstName('  ')).toBeUndefined();
    expect(spokenFirstName('🏠')).toBeUndefined();
    expect(spokenFirstName(null)).toBeUndefined();
  });
});

describe('reply templates', () => {
  it('knows its placeholders and its one section, and refuses the rest', () => {
    expect(templateProblems('Hi {{first_name}}, {{agent_name}} ({{agent_phone}}) within {{sla}}')).toEqual(
      [],
    );
    expect(
      templateProblems('{{#after_hours}}{{opening}}{{/after_hours}}{{^after_hours}}now{{/after_hours}}'),
    ).toEqual([]);
    expect(templateProblems('Hi {{firstname}}')).toEqual([
      expect.stringMatching(/^unknown placeholder \{\{firstname\}\}; use one of/),
    ]);
    expect(templateProblems('{{#vip}}x{{/vip}}')).toEqual([
      expect.stringMatching(/^unknown section \{\{#vip\}\}/),
    ]);
    expect(templateProblems('{{#after_hours}}{{nope}}{{/after_hours}}')).toEqual([
      expect.stringMatching(/nope/),
    ]);
    expect(templateProblems('{{> partial}}')).toEqual([expect.stringMatching(/not supported/)]);
    expect(templateProblems('Hi {{first_name')).toEqual([expect.stringMatching(/^cannot read the template/)]);
  });

  it('renders without HTML escaping, since a text is not HTML', () => {
    const config = parseDispatchConfig(exampleWithReplies(), 'dispatch.yml');
    const variables = replyVariables({
      config,
      rule: 'portal-buyer-lead',
      task: { firstName: "Jane-Marie O'Neil", status: 'claimed', heldUntil: null, sla: null },
      agent: { name: 'Dana Reyes', phone: '+15125550101' },
      now: new Date('2026-11-25T16:40:00Z'),
      leadZone: CHICAGO,
    });
    expect(renderReply('{{first_name}} & {{agent_name}}: {{agent_phone}}', variables)).toBe(
      'Jane-Marie & Dana Reyes: (512) 555-0101',
    );
  });

  it('the example’s hot portal text reads as the issue asks', () => {
    const config = parseDispatchConfig(exampleWithReplies(), 'dispatch.yml');
    const rule = config.rules.find((r) => r.name === 'portal-buyer-lead');
    const variables = replyVariables({
      config,
      rule: 'portal-buyer-lead',
      task: { firstName: 'Jane', status: 'claimed', heldUntil: null, sla: null },
      agent: { name: 'Dana Reyes' },
      now: new Date('2026-11-25T16:45:00Z'),
      leadZone: CHICAGO,
    });
    expect(renderReply(rule?.reply?.text ?? '', variables)).toBe(
      "Hi Jane, this is Dana with Lakeside Realty Group. I'll call you within 5 minutes.",
    );
  });
});

describe('reply settings in dispatch.yml', () => {
  /** The example with replies on, a `reply:` on seller-lead, and its `replies:` section swapped if given. */
  const withRule = (reply: string, replies?: string) => {
    const text = exampleWithReplies().replace(/( {2}- name: seller-lead\n)/, `$1    reply:\n${reply}`);
    return replies === undefined ? text : text.replace(/\nreplies:\n(?: {2}.*\n?)*/, `\n${replies}`);
  };

  function problems(text: string): string[] {
    try {
      parseDispatchConfig(text, 'dispatch.yml');
    } catch (error) {
      if (error instanceof ConfigError)
        return error.message
          .split('\n')
          .slice(1)
          .map((l) => l.trim());
      throw error;
    }
    return [];
  }

  it('an unknown placeholder fails at its line, naming it', () => {
    const text = withRule('      by: sms\n      text: "Hi {{firstname}}"\n');
    const line = text.split('\n').findIndex((l) => l.includes('{{firstname}}')) + 1;
    expect(problems(text)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^dispatch\\.yml:${line}:\\d+  rules\\[\\d+\\]\\.reply\\.text: unknown placeholder \\{\\{firstname\\}\\}`,
        ),
      ),
    ]);
  });

  it('a channel without its sender, a bad sender and a bad choice are refused, each at its place', () => {
    expect(
      problems(
        withRule('      by: sms\n      text: "Hi"\n', 'replies:\n  email: { from: "T <t@x.example>" }\n'),
      ),
    ).toEqual([
      expect.stringMatching(/rules\[1\]\.reply\.by: texts need replies\.sms/),
      expect.stringMatching(/rules\[2\]\.reply\.by: texts need replies\.sms/),
      expect.stringMatching(/rules\[3\]\.reply\.by: texts need replies\.sms/),
    ]);
    expect(
      problems(
        withRule(
          '      by: sms\n      text: "Hi"\n',
          'replies:\n  sms: { from: "555" }\n  email: { from: "T <t@x.example>" }\n',
        ),
      ),
    ).toEqual([expect.stringMatching(/replies\.sms\.from: expected a phone number/)]);
    expect(problems(withRule('      by: fax\n      text: "Hi"\n'))).toEqual([
      expect.stringMatching(/reply\.by: expected sms, email, or \[sms, email\]/),
    ]);
    expect(problems(withRule('      when: later\n      by: sms\n      text: "Hi"\n'))).toEqual([
      expect.stringMatching(/reply\.when: must be one of arrival, claim/),
    ]);
  });

  it('a text template over 1,600 characters is refused at its line; a reply that does less than it seems is warned of', () => {
    expect(problems(withRule(`      by: sms\n      text: "${'x'.repeat(1601)}"\n`))).toEqual([
      expect.stringMatching(/reply\.text: a text may be at most 1600 characters .* this template is 1601/),
    ]);
    const odd = withRule('      by: sms\n      text: "Hi"\n      subject: "S"\n      at_night: email_only\n');
    const warnings = parseDispatchConfigWithWarnings(
      odd,
      'dispatch.yml',
      (name) => GOOD_ENV[name],
    ).warnings.map((w) => `${w.path}: ${w.message}`);
    expect(warnings).toEqual([
      expect.stringMatching(/^rules\[3\]\.reply\.subject: a subject is only for email/),
      expect.stringMatching(/^rules\[3\]\.reply\.at_night: email_only, but this rule sends no email/),
    ]);
  });

  it('check-config says which keys the replies need and are missing, at the rule that needs them', () => {
    const text = exampleWithReplies();
    const none = parseDispatchConfigWithWarnings(text, 'dispatch.yml', () => undefined).warnings.map(
      (w) => `${w.path}: ${w.message}`,
    );
    expect(none).toEqual([
      expect.stringMatching(
        /^rules\[1\]\.reply\.by: TWILIO_ACCOUNT_SID is not set, so the app will not start/,
      ),
      expect.stringMatching(/^rules\[1\]\.reply\.by: TWILIO_AUTH_TOKEN is not set/),
      expect.stringMatching(
        /^rules\[1\]\.reply\.by: PUBLIC_URL is not set, so Twilio cannot report texts delivered/,
      ),
      expect.stringMatching(/^rules\[2\]\.reply\.by: SMTP_URL is not set/),
    ]);
    const bad: Record<string, string> = {
      TWILIO_ACCOUNT_SID: 'foo',
      TWILIO_AUTH_TOKEN: 'short',
      SMTP_URL: 'http://nope',
      PUBLIC_URL: 'dispatch.example.com',
    };
    const wrong = parseDispatchConfigWithWarnings(text, 'dispatch.yml', (name) => bad[name]).warnings.map(
      (w) => w.message,
    );
    expect(wrong).toEqual([
      expect.stringMatching(
        /^TWILIO_ACCOUNT_SID must be the Account SID \(AC…\).*, so the app will not start$/,
      ),
      expect.stringMatching(/^TWILIO_AUTH_TOKEN .*, so the app will not start$/),
      expect.stringMatching(
        /^PUBLIC_URL must be the public https:\/\/ address of this app, so the app will not start$/,
      ),
      expect.stringMatching(/^SMTP_URL must be an SMTP URL .*, so the app will not start$/),
    ]);
    expect(parseDispatchConfigWithWarnings(text, 'dispatch.yml', (name) => GOOD_ENV[name]).warnings).toEqual(
      [],
    );
  });
});
