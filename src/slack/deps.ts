import type { DispatchContext } from '../dispatch/context.js';
import type { Delivery } from './delivery.js';

/** What the Slack listeners need from the rest of the app. */
export interface SlackDeps {
  ctx: DispatchContext;
  delivery: Delivery;
}
