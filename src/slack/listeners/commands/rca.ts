import type { App } from '@slack/bolt';
import { buildNoticeMessage } from '../../blocks/status.js';
import { buildQueueStatusMessage, buildUsageMessage } from '../../blocks/usage.js';
import { MAX_INCIDENT_CHARS, RCA_COMMAND, type SlackDeps } from '../../deps.js';
import { busyText, queuedText } from '../replies.js';

/** `/rca <incident>`, `/rca help`, `/rca status`. Every branch acks first (Slack's 3-second limit). */
export function register(app: App, deps: SlackDeps): void {
  app.command(RCA_COMMAND, async ({ command, ack, respond }) => {
    const text = command.text.trim();
    if (!text || /^(help|-h|--help|\?)$/i.test(text)) {
      const usage = buildUsageMessage(RCA_COMMAND, deps.self.userId);
      await ack({ response_type: 'ephemeral', ...usage });
      return;
    }
    if (/^status$/i.test(text)) {
      await ack({ response_type: 'ephemeral', ...buildQueueStatusMessage(deps.service.list(), deps.service.limits, deps.health?.()) });
      return;
    }

    const result = deps.service.submit({
      origin: 'command',
      channel: command.channel_id,
      incident: text.slice(0, MAX_INCIDENT_CHARS),
      requestedBy: { user: command.user_id },
      notifyRequester: async (message) => {
        await respond({ response_type: 'ephemeral', replace_original: false, text: message });
      },
    });
    const reply = result.ok ? queuedText(result.position, result.job.id) : busyText(result);
    await ack({ response_type: 'ephemeral', ...buildNoticeMessage(reply) });
  });
}
