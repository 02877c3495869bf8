import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import * as awayModal from './away-modal.js';
import * as moveModals from './move-modals.js';

export function register(app: App, deps: SlackDeps): void {
  awayModal.register(app, deps);
  moveModals.register(app, deps);
}
