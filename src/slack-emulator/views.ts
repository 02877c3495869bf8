import { ApiError } from './api-error.js';
import { validateView } from './block-kit.js';
import { isRecord, str } from './blocks.js';
import type { RecordedView } from './types.js';

/**
 * Modals and Home tabs as Slack keeps them: views.open / views.push need a fresh trigger_id (one use
 * each, and the modal is that user's), views.publish keeps one Home view id per user, views.update
 * finds a view by id or external_id and honours `hash`. Every accepted call is appended to `recorded`.
 */
export class ViewStore {
  /** trigger_id → whether it was used, and whose action minted it. */
  private readonly triggers = new Map<string, { used: boolean; user?: string }>();
  private readonly homeIds = new Map<string, string>();

  constructor(
    readonly recorded: RecordedView[],
    private readonly nextId: (prefix: string) => string,
  ) {}

  /** A trigger_id that views.open / views.push accept once; a modal it opens is `user`'s. */
  mintTrigger(user?: string): string {
    const id = `${Date.now()}.${this.nextId('')}.trigger`;
    this.triggers.set(id, { used: false, user });
    return id;
  }

  /** Checks the call as Slack would (Block Kit included), records it, and returns the record. */
  record(method: RecordedView['method'], args: Record<string, unknown>, at: number): RecordedView {
    const view = args.view;
    if (!isRecord(view)) throw new ApiError('invalid_arguments');
    const problems = validateView(view);
    // A Home tab is only published; a modal is only opened, pushed or updated.
    const expected = method === 'views.publish' ? 'home' : 'modal';
    if (problems.length === 0 && view.type !== expected) {
      problems.push({ pointer: '/view/type', reason: `must be ${expected} for ${method}` });
    }
    if (problems.length > 0) throw new ApiError('invalid_arguments', problems);
    const { id, userId } = this.identify(method, args);
    const hash = `${Math.floor(at / 1000)}.${this.nextId('H')}`;
    const recorded: RecordedView = { method, id, hash, userId, view, at };
    this.recorded.push(recorded);
    return recorded;
  }

  private identify(
    method: RecordedView['method'],
    args: Record<string, unknown>,
  ): { id: string; userId?: string } {
    if (method === 'views.open' || method === 'views.push') {
      const minted = this.triggers.get(str(args.trigger_id) ?? '');
      if (minted === undefined) throw new ApiError('invalid_trigger_id');
      if (minted.used) throw new ApiError('expired_trigger_id');
      minted.used = true;
      return { id: this.nextId('V'), userId: minted.user };
    }
    if (method === 'views.publish') {
      const userId = str(args.user_id);
      if (!userId) throw new ApiError('user_not_found');
      const id = this.homeIds.get(userId) ?? this.nextId('V');
      this.homeIds.set(userId, id);
      return { id, userId };
    }
    const previous = this.recorded.findLast(
      (v) =>
        v.id === args.view_id || (args.external_id !== undefined && v.view.external_id === args.external_id),
    );
    if (!previous) throw new ApiError('not_found');
    if (args.hash !== undefined && args.hash !== previous.hash) throw new ApiError('hash_conflict');
    return { id: previous.id, userId: previous.userId };
  }
}
