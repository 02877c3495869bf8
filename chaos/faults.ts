/**
 * The faults, one per scenario. Each starts at the beginning of its window and is ended (the
 * outside system healthy again, the disk given room) when the window closes, except `kills`,
 * which kills the app with SIGKILL at random moments and starts it again each time.
 * Timeouts here outlast the app's own (10 s for Slack, Follow Up Boss and Twilio).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { World } from './world.js';

export interface Fault {
  name: string;
  what: string;
  /** Runs for `windowMs` from its start, then leaves the world healthy. */
  run(world: World, windowMs: number): Promise<void>;
}

const FOREVER = Number.POSITIVE_INFINITY;
/** Longer than the app's 10 s timeout: the answer comes after the client gave up. */
const LATE_MS = 12_000;

/** Starts `begin`, waits out the window, runs `end`. */
const during =
  (begin: (world: World) => void, end: (world: World) => void) => async (world: World, windowMs: number) => {
    begin(world);
    await sleep(windowMs);
    end(world);
  };

/** The first half of the window refuses with 5xx, the second answers too late (after doing the work). */
const failingThenSlow =
  (refuse: (world: World) => void, slow: (world: World) => void, heal: (world: World) => void) =>
  async (world: World, windowMs: number) => {
    refuse(world);
    await sleep(windowMs / 2);
    heal(world);
    slow(world);
    await sleep(windowMs / 2);
    heal(world);
  };

export const FAULTS: Fault[] = [
  {
    name: 'kills',
    what: 'SIGKILL 4 times, each 0.5-2.5 s after the app is back up, and restart',
    // Each kill waits for the last restart to finish: a start takes seconds on a busy machine, so
    // kills at fixed moments would land on an app still starting and test nothing but the start.
    async run(world) {
      // Every post answers 15 ms late, so a kill can land between a DM's attempt and its answer.
      world.slack.answerSlowly('chat.postMessage', 15, FOREVER);
      for (let kill = 0; kill < 4; kill += 1) {
        await sleep(500 + Math.random() * 2000);
        await world.restart();
      }
      world.slack.clearFailures();
    },
  },
  {
    name: 'slack-5xx',
    what: 'every Slack call answers HTTP 503',
    run: during(
      (w) => w.slack.fail('*', { status: 503, times: FOREVER }),
      (w) => w.slack.clearFailures(),
    ),
  },
  {
    name: 'slack-429',
    what: 'every Slack call answers 429, Retry-After: 3',
    run: during(
      (w) => w.slack.fail('*', { status: 429, retryAfter: 3, times: FOREVER }),
      (w) => w.slack.clearFailures(),
    ),
  },
  {
    name: 'slack-slow',
    what: 'Slack does the work, answers after 12 s (client gives up at 10 s)',
    run: during(
      (w) => w.slack.answerSlowly('*', LATE_MS, FOREVER),
      (w) => w.slack.clearFailures(),
    ),
  },
  {
    name: 'slack-hang',
    what: 'Slack takes connections and never answers (does nothing)',
    run: during(
      (w) => w.slack.answerNever('*', FOREVER),
      (w) => w.slack.clearFailures(),
    ),
  },
  {
    name: 'crm-down',
    what: 'FUB answers 503, then answers after 12 s (fetch and write-back)',
    run: failingThenSlow(
      (w) => w.fub.fail({ status: 503, times: FOREVER }),
      (w) => {
        w.fub.delayMs = LATE_MS;
      },
      (w) => w.fub.clearFailures(),
    ),
  },
  {
    name: 'sms-down',
    what: 'Twilio answers 503, then answers after 12 s (text sent)',
    run: failingThenSlow(
      (w) => w.twilio.failNext(1_000_000, 503),
      (w) => {
        w.twilio.delayMs = LATE_MS;
      },
      (w) => w.twilio.clearFailures(),
    ),
  },
  {
    name: 'disk-full',
    what: 'the database cannot grow (SQLITE_FULL), then has room again',
    run: during(
      (w) => process.kill(w.app().pid, 'SIGUSR2'),
      (w) => process.kill(w.app().pid, 'SIGUSR2'),
    ),
  },
];
