/**
 * One scenario's world: the Slack, Follow Up Boss and Twilio doubles and a real SMTP server in this
 * process, and lead-dispatch itself as a child process (`lead-dispatch start`, bench/child-app.ts)
 * on a fresh database, configured as a team that texts and emails its leads and writes back to FUB.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type ChildSystem, startChild } from '../bench/child-app.js';
import { CHAOS_DISK_FULL_ENV } from '../src/db/disk-full-signal.js';
import { freePort } from '../test/support/free-port.js';
import { FUB_API_KEY, FUB_SYSTEM, FUB_SYSTEM_KEY, FubDouble } from '../test/support/fub-double.js';
import { LEADERS } from '../test/support/harness.js';
import { exampleWithReplies, ruleIn, TEAM_NUMBER } from '../test/support/reply-config.js';
import { SlackDouble } from '../test/support/slack-double.js';
import { startSmtpServer, type TestSmtpServer } from '../test/support/smtp-server.js';
import { TEAM } from '../test/support/team.js';
import { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TwilioDouble } from '../test/support/twilio-double.js';

export interface World {
  slack: SlackDouble;
  fub: FubDouble;
  twilio: TwilioDouble;
  smtp: TestSmtpServer;
  dbPath: string;
  baseUrl: string;
  /** The app now (a new process after each restart). */
  app(): ChildSystem;
  /** SIGKILL, then the same app started again on the same port and database. */
  restart(): Promise<void>;
  /** Seconds each restart took, kill to answering /healthz. */
  restarts: number[];
  close(): Promise<void>;
}

export async function startWorld(name: string): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), `lead-dispatch-chaos-${name}-`));
  const slack = await SlackDouble.start({
    channels: [LEADERS],
    users: Object.fromEntries(TEAM.map((id) => [id, { tz: 'America/Chicago' }])),
  });
  const fub = await FubDouble.start();
  for (const [i, agent] of agentEmails().entries())
    fub.addUser({ id: 1 + i, name: agent.name, email: agent.email, role: 'Agent' });
  const twilio = await TwilioDouble.start({ numbers: [TEAM_NUMBER] });
  const smtp = await startSmtpServer();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const configPath = join(dir, 'dispatch.yml');
  writeFileSync(configPath, chaosConfig());
  const dbPath = join(dir, 'dispatch.db');
  const options = {
    name,
    configPath,
    dbPath,
    port,
    auditClaims: false,
    env: {
      FUB_API_KEY,
      FUB_SYSTEM,
      FUB_SYSTEM_KEY,
      FUB_API_URL: fub.apiUrl,
      TWILIO_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN,
      TWILIO_API_URL: twilio.url,
      SMTP_URL: smtp.url,
      PUBLIC_URL: baseUrl,
      [CHAOS_DISK_FULL_ENV]: '1',
    },
  };
  let app = await startChild(slack.apiUrl, options);
  const restarts: number[] = [];
  return {
    slack,
    fub,
    twilio,
    smtp,
    dbPath,
    baseUrl,
    app: () => app,
    restarts,
    async restart() {
      const began = Date.now();
      await app.kill();
      app = await startChild(slack.apiUrl, options);
      restarts.push((Date.now() - began) / 1000);
    },
    async close() {
      await app.stop();
      await Promise.all([slack.stop(), fub.stop(), twilio.close(), smtp.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * dispatch.example.yml with its `replies:` and rules' `reply:` switched on (test/support/reply-config),
 * Follow Up Boss connected with its defaults (assign and note on claim), and the team at work at
 * any hour with no caps and no quiet hours, so the time of day a run starts at changes nothing:
 * every lead is offered, every claim texts the lead, every web lead gets a text and an email.
 */
function chaosConfig(): string {
  const doc = parse(exampleWithReplies()) as {
    team: Record<string, unknown>;
    agents: Array<Record<string, unknown>>;
    replies: Record<string, unknown>;
    crm?: unknown;
  } & Record<string, unknown>;
  delete doc.team.working_hours;
  delete doc.team.caps;
  for (const agent of doc.agents) {
    delete agent.working_hours;
    delete agent.caps;
  }
  delete doc.replies.quiet_hours;
  const webReply = ruleIn(doc, 'web-buyer-lead').reply as Record<string, unknown>;
  delete webReply.at_night;
  doc.crm = { followupboss: {} };
  return stringify(doc);
}

function agentEmails(): Array<{ name: string; email: string }> {
  const doc = parse(exampleWithReplies()) as { agents: Array<{ name: string; email?: string }> };
  return doc.agents.flatMap((a) => (a.email ? [{ name: a.name, email: a.email }] : []));
}
