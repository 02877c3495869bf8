/**
 * The one lifecycle every engine loop shares (as GoAlert's engine does): the database holds the
 * truth, a loop only reconciles, so running it once more than needed is harmless.
 */
export interface EngineLoop {
  readonly name: string;
  /** One pass over what is due now; resolves when the pass (not follow-up work) is done. */
  runOnce(): Promise<void>;
  /** Begins running on its own schedule. */
  start(): void;
  /** Stops scheduling new passes; work under way finishes (see idle). */
  stop(): void;
  /** Resolves once nothing is under way, including follow-up passes it started itself. */
  idle(): Promise<void>;
}

/**
 * Runs `pass` whenever kicked, never two at once: a kick during a pass asks for one more pass
 * after it. The loops over Slack messages and the outbox are built on this, so a burst of kicks
 * costs one pass, not one per kick.
 */
export class KickedPass {
  private running: Promise<void> | undefined;
  private starting = false;
  private again = false;

  constructor(
    private readonly pass: () => Promise<boolean | undefined>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** True while a pass is running or about to. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  kick(): void {
    if (this.running || this.starting) {
      this.again = true;
      return;
    }
    // A pass runs synchronously up to its first await, before `running` is assigned: a kick from
    // in there (a delivery that tells the engine something changed) must not start a second pass
    // inside the first, which recursed until the stack ran out.
    this.starting = true;
    try {
      this.running = this.loop();
    } finally {
      this.starting = false;
    }
  }

  /** Runs one pass now, or waits for the one under way and the pass it asked for. */
  async runOnce(): Promise<void> {
    this.kick();
    await this.idle();
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        try {
          // A pass that did work asks for another; yield first so HTTP and timers run.
          if (await this.pass()) this.again = true;
        } catch (error) {
          this.onError(error);
        }
        if (this.again) await new Promise((resolve) => setImmediate(resolve));
      } while (this.again);
    } finally {
      // Cleared in the same turn as the last check of `again`: a kick can never fall between them.
      this.running = undefined;
    }
  }
}

/**
 * An engine loop that has no schedule of its own: it runs when kicked (by a change, or by the
 * sweeper's tick every second), so start and stop have nothing to do. The outbox and the webhook
 * feeder are built on it; each only says what one pass does.
 */
export abstract class KickedLoop implements EngineLoop {
  abstract readonly name: string;
  private readonly pass: KickedPass;

  constructor(onError: (error: unknown) => void) {
    this.pass = new KickedPass(() => this.passOnce(), onError);
  }

  /** One pass over what is due; true when it did work, so another pass follows at once. */
  protected abstract passOnce(): Promise<boolean | undefined>;

  kick(): void {
    this.pass.kick();
  }

  runOnce(): Promise<void> {
    return this.pass.runOnce();
  }

  start(): void {}

  stop(): void {}

  idle(): Promise<void> {
    return this.pass.idle();
  }
}
