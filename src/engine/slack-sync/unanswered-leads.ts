/**
 * New leads whose sender is still waiting for its answer: intake answers 202 only once the lead
 * is on the disk, and routing, rendering and recording the DM's attempt run meanwhile, while the
 * fsync is in libuv's thread pool. No Slack message about such a lead leaves before its answer has,
 * so nobody is told of a lead the sender may still be told was not stored.
 */
export class UnansweredLeads {
  private readonly waiting = new Map<number, Promise<void>>();

  /** `answered` settles once the sender has its answer; a failed answer (a 503) lets the message go too. */
  add(taskId: number, answered: Promise<void>): void {
    const settled = answered.then(
      () => undefined,
      () => undefined,
    );
    this.waiting.set(taskId, settled);
    void settled.then(() => {
      if (this.waiting.get(taskId) === settled) this.waiting.delete(taskId);
    });
  }

  /** What a message about this task waits for before it goes to Slack; undefined when nothing. */
  answerOf(taskId: number): Promise<void> | undefined {
    return this.waiting.get(taskId);
  }
}
