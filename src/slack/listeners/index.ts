import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import * as reportActions from './actions/report-actions.js';
import * as rcaCommand from './commands/rca.js';
import * as alertMessage from './events/alert-message.js';
import * as appMention from './events/app-mention.js';
import * as causeModal from './views/cause-modal.js';

/** Every listener, by surface, as in Slack's Bolt starter. */
export function registerListeners(app: App, deps: SlackDeps): void {
  rcaCommand.register(app, deps);
  appMention.register(app, deps);
  alertMessage.register(app, deps);
  reportActions.register(app, deps);
  causeModal.register(app, deps);
}
