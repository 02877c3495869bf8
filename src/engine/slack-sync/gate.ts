import { retryDelaySeconds } from '../../core/slack-failure.js';

/**
 * Slack-wide trouble (an outage, a rate limit, a refused token) is not any one message's fault,
 * so it pauses the whole lane instead of giving each message its own random retry time: when
 * Slack is back, the waiting messages go out in their order, oldest lead first.
 */
export class Gate {
  private until = 0;
  private failures = 0;

  constructor(private readonly random: () => number = Math.random) {}

  isOpen(now: Date): boolean {
    return now.getTime() >= this.until;
  }

  /** When the lane may try again; 0 when it is open. */
  get openAt(): number {
    return this.until;
  }

  close(now: Date, retryAfterSeconds?: number): void {
    const seconds = retryDelaySeconds(this.failures, retryAfterSeconds, this.random());
    this.failures += 1;
    this.until = now.getTime() + seconds * 1000;
  }

  succeeded(): void {
    this.failures = 0;
    this.until = 0;
  }
}
