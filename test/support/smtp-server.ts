import type { AddressInfo } from 'node:net';
import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One email the server took, as a mail client would show it, with the SMTP envelope beside it. */
export interface ReceivedMail {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO) that were accepted. */
  to: string[];
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
  messageId: string;
  /** Header lines by lower-case name (the last one wins), as sent. */
  headers: Record<string, string>;
}

export interface TestSmtpServer {
  /** smtp://127.0.0.1:<port>, or smtp://user:pass@… when the server was started with `auth`. */
  url: string;
  messages: ReceivedMail[];
  /** Refuse RCPT TO for this address with `code` (550 "5.1.1 user unknown" by default). */
  rejectRecipient(address: string, code?: number): void;
  /** Take mail for this address again. */
  acceptRecipient(address: string): void;
  /** The next `n` mails are refused at MAIL FROM with `code` (451 "try again later" by default). */
  failNext(n: number, code?: number): void;
  /** Between tests: received mail, refusals and injected failures of the last one are gone. */
  reset(): void;
  close(): Promise<void>;
}

interface SmtpReply extends Error {
  responseCode: number;
}

function reply(code: number, text: string): SmtpReply {
  return Object.assign(new Error(text), { responseCode: code });
}

/**
 * A real SMTP server in the test process (the `smtp-server` package) on 127.0.0.1. It offers no
 * STARTTLS, so nodemailer talks plain SMTP to a `smtp://` URL as it would to any server without
 * TLS; a login, when asked for, is allowed over the plain connection on loopback.
 */
export async function startSmtpServer(
  opts: { auth?: { user: string; pass: string } } = {},
): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const rejected = new Map<string, number>();
  const failures: number[] = [];
  const auth = opts.auth;
  const server = new SMTPServer({
    logger: false,
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !auth,
    allowInsecureAuth: true,
    closeTimeout: 1000,
    // A reverse DNS lookup of 127.0.0.1 costs each connection ~100 ms for nothing.
    disableReverseLookup: true,
    onAuth(login, _session, callback) {
      if (auth && login.username === auth.user && login.password === auth.pass)
        callback(null, { user: login.username });
      else callback(reply(535, '5.7.8 Authentication credentials invalid'));
    },
    onMailFrom(_address, _session, callback) {
      const code = failures.shift();
      if (code === undefined) callback();
      else callback(reply(code, code >= 500 ? '5.7.1 Sender refused' : '4.3.0 Try again later'));
    },
    onRcptTo(address, _session, callback) {
      const code = rejected.get(address.address.toLowerCase());
      if (code === undefined) callback();
      else callback(reply(code, code >= 500 ? '5.1.1 User unknown' : '4.2.1 Mailbox busy, try later'));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          const headers: Record<string, string> = {};
          for (const { key, line } of parsed.headerLines)
            headers[key] = line.slice(line.indexOf(':') + 1).trim();
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            ...(typeof parsed.html === 'string' ? { html: parsed.html } : {}),
            ...(parsed.replyTo ? { replyTo: addressText(parsed.replyTo) } : {}),
            messageId: parsed.messageId ?? '',
            headers,
          });
          callback();
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  // A client that vanishes mid-session (an app killed by the chaos suite) is the client's
  // problem, as for a real server: without a listener, smtp-server's 'error' would end the process.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const credentials = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : '';
  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    messages,
    rejectRecipient(address, code = 550) {
      rejected.set(address.toLowerCase(), code);
    },
    acceptRecipient(address) {
      rejected.delete(address.toLowerCase());
    },
    failNext(n, code = 451) {
      for (let i = 0; i < n; i++) failures.push(code);
    },
    reset() {
      messages.length = 0;
      rejected.clear();
      failures.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function addressText(address: AddressObject | AddressObject[]): string {
  return (Array.isArray(address) ? address : [address]).map((a) => a.text).join(', ');
}
