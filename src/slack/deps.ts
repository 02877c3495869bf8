import type { DispatchContext } from '../dispatch/context.js';
import type { Delivery } from './delivery.js';
import type { HomePublisher } from './home.js';

/** What the Slack listeners need from the rest of the app. */
export interface SlackDeps {
  ctx: DispatchContext;
  delivery: Delivery;
  homes: HomePublisher;
}
