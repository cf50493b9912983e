import type { App } from '@slack/bolt';
import { sanitiseMessage } from '../../blocks/hygiene.js';
import { buildNoticeMessage } from '../../blocks/status.js';
import { buildQueueStatusMessage, buildUsageMessage } from '../../blocks/usage.js';
import { MAX_INCIDENT_CHARS, RCA_COMMAND, type SlackDeps } from '../../deps.js';
import { COMMAND_CHECK_BUDGET_MS } from '../../policy/policy.js';
import { queuedText, refusedText } from '../replies.js';

/**
 * `/rca <incident>`, `/rca help`, `/rca status`. Every branch acks (Slack's 3-second limit) with an ephemeral answer;
 * the access check before it is bounded below that (COMMAND_CHECK_BUDGET_MS).
 */
export function register(app: App, deps: SlackDeps): void {
  app.command(RCA_COMMAND, async ({ command, ack, respond }) => {
    const text = command.text.trim();
    const answer = (message: { text: string; blocks?: unknown[] }) =>
      ack({ response_type: 'ephemeral', ...sanitiseMessage(message) } as Parameters<typeof ack>[0]);
    if (!text || /^(help|-h|--help|\?)$/i.test(text)) {
      await answer(buildUsageMessage(RCA_COMMAND, deps.self.userId));
      return;
    }
    const status = /^status$/i.test(text);
    const decision = await deps.policy.check({
      action: status ? 'status' : 'analyse',
      channel: command.channel_id,
      user: command.user_id,
      budgetMs: COMMAND_CHECK_BUDGET_MS,
    });
    if (!decision.allowed) {
      await answer(buildNoticeMessage(decision.text));
      return;
    }
    if (status) {
      // Incident text and links only for this channel's analyses; responders see every channel's.
      const scope = { channel: command.channel_id, everything: decision.responder };
      await answer(buildQueueStatusMessage(deps.service.list(), deps.service.limits, scope, deps.health?.()));
      return;
    }

    const result = deps.service.submit({
      origin: 'command',
      channel: command.channel_id,
      incident: text.slice(0, MAX_INCIDENT_CHARS),
      requestedBy: { user: command.user_id },
      notifyRequester: async (message) => {
        await respond({ response_type: 'ephemeral', replace_original: false, ...sanitiseMessage({ text: message }) });
      },
    });
    const reply = result.ok ? queuedText(result.position, result.job.id) : refusedText(result);
    await answer(buildNoticeMessage(reply));
  });
}
