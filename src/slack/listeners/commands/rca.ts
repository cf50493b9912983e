import type { App } from '@slack/bolt';
import { sanitiseMessage } from '../../blocks/hygiene.js';
import { buildHistoryMessage, buildStatsMessage } from '../../blocks/memory.js';
import { replicaLines } from '../../blocks/replicas.js';
import { buildNoticeMessage } from '../../blocks/status.js';
import { buildQueueStatusMessage, buildUsageMessage } from '../../blocks/usage.js';
import { MAX_INCIDENT_CHARS, RCA_COMMAND, type SlackDeps } from '../../deps.js';
import { COMMAND_CHECK_BUDGET_MS } from '../../policy/policy.js';
import { queuedText, refusedText } from '../replies.js';

/** Entries `/rca history` lists, newest first. */
const HISTORY_LIMIT = 10;
/** The period `/rca stats` covers. */
const STATS_DAYS = 30;

/**
 * `/rca <incident>`, `/rca help`, `/rca status`. Slack wants an ack within 3 seconds and people want one at once, so
 * every branch acks first, before any directory lookup (users.info), and answers with an ephemeral respond()
 * afterwards. Help needs no lookup and is the ack itself.
 */
export function register(app: App, deps: SlackDeps): void {
  app.command(RCA_COMMAND, async ({ command, ack, respond }) => {
    const text = command.text.trim();
    if (!text || /^(help|-h|--help|\?)$/i.test(text)) {
      await ack({ response_type: 'ephemeral', ...sanitiseMessage(buildUsageMessage(RCA_COMMAND, deps.self.userId)) } as Parameters<
        typeof ack
      >[0]);
      return;
    }
    await ack();
    const answer = (message: { text: string; blocks?: unknown[] }) =>
      respond({ response_type: 'ephemeral', replace_original: false, ...sanitiseMessage(message) } as Parameters<typeof respond>[0]);
    const status = /^status$/i.test(text);
    const history = /^history(?:\s+(\S{1,100}))?$/i.exec(text);
    const stats = /^stats$/i.test(text);
    const decision = await deps.policy.check({
      // History and stats read what was analysed, as status does: the same check and the same channel scoping.
      action: status || history || stats ? 'status' : 'analyse',
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
      const replica = deps.service.replica;
      // The store may be unreachable: the local queue is still worth showing.
      const replicas = await replica.replicas().catch(() => []);
      const others = replicaLines(replicas, replica.id, Date.now(), replica.leaseMs, scope);
      await answer(buildQueueStatusMessage(deps.service.list(), deps.service.limits, scope, deps.health?.(), others));
      return;
    }
    if (history) {
      const service = history[1];
      const entries = await deps.memory.history(decision.responder ? {} : { channel: command.channel_id }, service, HISTORY_LIMIT);
      await answer(buildHistoryMessage(entries, service, decision.responder));
      return;
    }
    if (stats) {
      await answer(buildStatsMessage(await deps.memory.stats(Date.now() - STATS_DAYS * 86_400_000), STATS_DAYS));
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
