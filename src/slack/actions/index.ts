import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import * as homeButtons from './app-home-buttons.js';
import * as escalationButtons from './escalation-buttons.js';
import * as moveButtons from './move-buttons.js';
import * as offerButtons from './offer-buttons.js';
import * as outboxButtons from './outbox-buttons.js';
import * as timeline from './timeline.js';

export function register(app: App, deps: SlackDeps): void {
  offerButtons.register(app, deps);
  escalationButtons.register(app, deps);
  moveButtons.register(app, deps);
  timeline.register(app, deps);
  homeButtons.register(app, deps);
  outboxButtons.register(app, deps);
}
