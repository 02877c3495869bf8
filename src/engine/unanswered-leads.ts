/**
 * New leads whose sender is still waiting for its answer: intake answers 202 only once the lead
 * is on the disk, and routing, rendering and recording the DM's attempt run meanwhile, while the
 * fsync is in libuv's thread pool. Nothing about such a lead leaves this process before its answer
 * has (a Slack message, a text or email to the lead, a webhook, a CRM write): nobody outside hears
 * of a lead its sender has not been answered for. The answer is a 202, or a 503 when the disk failed
 * the fsync; the lead was committed then, is dispatched as any other, and a retry is answered as it.
 * Kept in this process's memory: a process that does not run the engine routes only after answering.
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

  /** What a message about this task waits for before it leaves; undefined when nothing. */
  answerOf(taskId: number): Promise<void> | undefined {
    return this.waiting.get(taskId);
  }

  /** Whether something about this task must still wait for its answer. */
  isWaiting(taskId: number): boolean {
    return this.waiting.has(taskId);
  }
}
