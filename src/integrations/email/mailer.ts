import nodemailer from 'nodemailer';
import { PermanentFailure } from '../../engine/outbox/outbox.js';

export interface MailToSend {
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  /** `<id@host>`: give one derived from the outbox item so a retried send can be recognised. */
  messageId?: string;
}

export interface Mailer {
  send(mail: MailToSend): Promise<{ messageId: string }>;
  /** Connects and logs in without sending, for /healthz and check-config. */
  verify(): Promise<void>;
  close(): void;
}

/** The SMTP server refused this email for good (5xx to the sender, recipient or message). */
export class EmailRefused extends PermanentFailure {
  constructor(
    message: string,
    readonly responseCode: number,
    /** The SMTP command refused: `RCPT TO` is about the lead's address; `MAIL FROM` and `DATA` about ours. */
    readonly command: string | undefined,
  ) {
    super(message);
  }

  /** Whether the refusal is about the recipient's address, not our sender or our message. */
  get aboutRecipient(): boolean {
    return this.command === 'RCPT TO' || this.command === 'API';
  }
}

/** The fields nodemailer puts on its errors that we read. */
interface SmtpError {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
}

/**
 * Email through one SMTP server named by `SMTP_URL` (smtp://user:pass@host:587, or smtps:// for
 * implicit TLS; nodemailer upgrades a plain smtp:// with STARTTLS when the server offers it). A 5xx
 * about the message or its recipient is permanent; 4xx, refused logins and connection trouble are
 * retried. Error messages carry codes only: SMTP replies quote addresses.
 */
export function createMailer(smtpUrl: string): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail: MailToSend): Promise<{ messageId: string }> {
      try {
        const info = await transport.sendMail(mail);
        return { messageId: info.messageId };
      } catch (error) {
        throw classify(error, 'send the email');
      }
    },
    async verify(): Promise<void> {
      try {
        await transport.verify();
      } catch (error) {
        throw classify(error, 'reach the SMTP server');
      }
    },
    close(): void {
      transport.close();
    },
  };
}

function classify(error: unknown, what: string): Error {
  const e: SmtpError = typeof error === 'object' && error !== null ? (error as SmtpError) : {};
  const code = e.responseCode;
  // An enhanced status code ("5.1.1 user unknown") names the cause without naming the person.
  const enhanced = /\b[245]\.\d{1,3}\.\d{1,3}\b/.exec(e.response ?? '')?.[0];
  const detail = [code, enhanced, e.command ? `at ${e.command}` : undefined, e.code]
    .filter(Boolean)
    .join(' ');
  const aboutThisMail = e.code === 'EENVELOPE' || e.code === 'EMESSAGE';
  // A 5xx to MAIL FROM / RCPT TO / DATA, or an address nodemailer cannot use at all, never succeeds;
  // a 5xx at the greeting or login is the server's or our configuration's, and is retried.
  if (aboutThisMail && (code === undefined ? e.command === 'API' : code >= 500))
    return new EmailRefused(`The SMTP server refused to ${what}: ${detail}`, code ?? 0, e.command);
  if (e.code === 'EAUTH' || code === 530 || code === 535)
    return new Error(`The SMTP server refused our login (${detail}): check SMTP_URL`);
  return new Error(`Could not ${what}${detail ? ` (${detail})` : ''}`);
}
