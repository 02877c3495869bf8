import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentFailure } from '../../src/engine/outbox/outbox.js';
import { createMailer, EmailRefused, type Mailer } from '../../src/integrations/email/mailer.js';
import { freePort } from '../support/free-port.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';

const MAIL = {
  from: 'Reyes Team <dispatch@reyes.example>',
  to: 'jane.lead@example.com',
  replyTo: 'dana@reyes.example',
  subject: 'Thanks for reaching out, Jane',
  text: "Hi Jane, this is Dana with the Reyes Team. I'll call you within 5 minutes.",
  html: "<p>Hi Jane, this is Dana with the Reyes Team. I'll call you within 5 minutes.</p>",
};

let smtp: TestSmtpServer;
let mailer: Mailer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  mailer = createMailer(smtp.url);
});

afterAll(async () => {
  mailer.close();
  await smtp.close();
});

afterEach(() => {
  smtp.messages.length = 0;
});

async function failure(send: Promise<unknown>): Promise<Error> {
  const error = await send.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the send to fail');
  return error;
}

function expectNoPersonalData(error: Error): void {
  expect(error.message).not.toContain('jane');
  expect(error.message).not.toContain('Jane');
  expect(error.message).not.toContain('5 minutes');
}

describe('email to a lead over SMTP', () => {
  it('delivers the email the lead reads: sender, reply-to, subject, text and html, with our message id', async () => {
    const sent = await mailer.send({ ...MAIL, messageId: '<reply-42@lead-dispatch>' });
    expect(sent.messageId).toBe('<reply-42@lead-dispatch>');
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]).toMatchObject({
      from: 'dispatch@reyes.example',
      to: ['jane.lead@example.com'],
      subject: MAIL.subject,
      text: MAIL.text,
      html: MAIL.html,
      replyTo: 'dana@reyes.example',
      messageId: '<reply-42@lead-dispatch>',
    });
    expect(smtp.messages[0]?.headers.from).toBe('Reyes Team <dispatch@reyes.example>');
  });

  it('makes up a message id when none is given', async () => {
    const sent = await mailer.send({ from: MAIL.from, to: MAIL.to, subject: 'Hi', text: 'Hello' });
    expect(sent.messageId).toMatch(/^<.+@.+>$/);
    expect(smtp.messages[0]?.messageId).toBe(sent.messageId);
  });

  it('checks that the server is there and answers', async () => {
    await expect(mailer.verify()).resolves.toBeUndefined();
  });

  it('logs in when SMTP_URL carries a user and password', async () => {
    const guarded = await startSmtpServer({ auth: { user: 'dispatch', pass: 's3cret' } });
    const withLogin = createMailer(guarded.url);
    const wrongLogin = createMailer(guarded.url.replace('s3cret', 'wrong'));
    try {
      await withLogin.send(MAIL);
      expect(guarded.messages.map((m) => m.subject)).toEqual([MAIL.subject]);
      const refused = await failure(wrongLogin.send(MAIL));
      expect(refused).not.toBeInstanceOf(PermanentFailure);
      expect(refused.message).toMatch(/refused our login .*535.*check SMTP_URL/);
      expect(refused.message).not.toContain('wrong');
    } finally {
      withLogin.close();
      wrongLogin.close();
      await guarded.close();
    }
  });
});

describe('what a refused email means for the outbox', () => {
  it('a 550 for the recipient is permanent, says the code, and names neither the address nor the body', async () => {
    smtp.rejectRecipient('jane.lead@example.com');
    try {
      const error = await failure(mailer.send(MAIL));
      expect(error).toBeInstanceOf(EmailRefused);
      expect(error).toBeInstanceOf(PermanentFailure);
      expect(error).toMatchObject({ responseCode: 550 });
      expect(error.message).toContain('5.1.1');
      expectNoPersonalData(error);
      expect(smtp.messages).toHaveLength(0);
    } finally {
      smtp.acceptRecipient('jane.lead@example.com');
    }
  });

  it('a 451 is temporary: retried, and the next try is delivered', async () => {
    smtp.failNext(1, 451);
    const error = await failure(mailer.send(MAIL));
    expect(error).not.toBeInstanceOf(PermanentFailure);
    expect(error.message).toMatch(/451/);
    expectNoPersonalData(error);
    await mailer.send(MAIL);
    expect(smtp.messages.map((m) => m.to)).toEqual([['jane.lead@example.com']]);
  });

  it('a 450 for the recipient (mailbox busy) is temporary too', async () => {
    smtp.rejectRecipient('jane.lead@example.com', 450);
    try {
      const error = await failure(mailer.send(MAIL));
      expect(error).not.toBeInstanceOf(PermanentFailure);
      expect(error.message).toContain('450');
    } finally {
      smtp.acceptRecipient('jane.lead@example.com');
    }
  });

  it('a server that is down is retried, and so is a failed health check', async () => {
    const down = createMailer(`smtp://127.0.0.1:${await freePort()}`);
    try {
      const error = await failure(down.send(MAIL));
      expect(error).not.toBeInstanceOf(PermanentFailure);
      expect(error.message).toMatch(/Could not send the email \(at CONN/);
      expectNoPersonalData(error);
      await expect(down.verify()).rejects.toThrow(/Could not reach the SMTP server/);
    } finally {
      down.close();
    }
  });
});
