import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import * as offerButtons from './offer-buttons.js';

export function register(app: App, deps: SlackDeps): void {
  offerButtons.register(app, deps);
}
