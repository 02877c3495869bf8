import type { BlockKitProblem } from './block-kit.js';

/** A Web API call Slack answers with `ok: false`: its error code and, for Block Kit, where and why. */
export class ApiError extends Error {
  /** Block Kit problems, answered as Slack does in `response_metadata.messages`. */
  constructor(
    readonly error: string,
    readonly problems: BlockKitProblem[] = [],
  ) {
    super(error);
  }
}
