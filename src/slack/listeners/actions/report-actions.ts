import type { App, BlockButtonAction } from '@slack/bolt';
import { ACTION_IDS } from '../../blocks/limits.js';
import { buildNoticeMessage, userMention } from '../../blocks/status.js';
import type { SlackDeps } from '../../deps.js';
import { slackErrorCode } from '../../worker/slack-io.js';
import { busyText, queuedText } from '../replies.js';

interface Clicked {
  analysisId: string;
  user: string;
  channel?: string;
  threadTs?: string;
}

function clicked(body: BlockButtonAction): Clicked {
  const action = body.actions[0];
  return {
    analysisId: action?.value ?? '',
    user: body.user.id,
    channel: body.channel?.id ?? body.container?.channel_id,
    threadTs: body.message?.thread_ts ?? body.message?.ts,
  };
}

/** Buttons on reports (👍 👎, Re-run, Dig deeper) and on status messages (Cancel). Each acks first. */
export function register(app: App, deps: SlackDeps): void {
  const tell = async (_client: App['client'], where: Clicked, text: string) => {
    if (!where.channel) return;
    await deps.service.replyEphemeral(where.channel, where.user, buildNoticeMessage(text), where.threadTs);
  };
  const guard = (name: string, handler: (where: Clicked, client: App['client']) => Promise<void>) =>
    app.action<BlockButtonAction>(name, async ({ ack, body, client }) => {
      await ack();
      const where = clicked(body);
      try {
        await handler(where, client);
      } catch (error) {
        deps.logger.error(`${name} failed: ${slackErrorCode(error)}`);
        await tell(client, where, `:x: That did not work: ${slackErrorCode(error)}`).catch(() => {});
      }
    });

  for (const [actionId, vote] of [
    [ACTION_IDS.feedbackUp, 'up'],
    [ACTION_IDS.feedbackDown, 'down'],
  ] as const) {
    guard(actionId, async (where, client) => {
      const job = await deps.service.find(where.analysisId);
      await deps.feedback.record({
        analysisId: where.analysisId,
        user: where.user,
        vote,
        engine: job?.report?.engine,
        incident: job?.trigger.incident,
        at: new Date().toISOString(),
      });
      deps.logger.info(`feedback ${vote} on ${where.analysisId} by ${where.user}`);
      await tell(
        client,
        where,
        `${vote === 'up' ? ':+1:' : ':-1:'} Thanks, ${userMention(where.user)} — your feedback on analysis \`${where.analysisId}\` is recorded.`,
      );
    });
  }

  guard(ACTION_IDS.rerun, async (where, client) => {
    const job = await deps.service.find(where.analysisId);
    if (!job || !where.channel) {
      await tell(client, where, 'I no longer remember that analysis (it is older than the retention period). Run `/rca <incident>` again.');
      return;
    }
    const result = deps.service.submit({
      ...job.trigger,
      origin: 'rerun',
      threadTs: job.threadTs,
      requestedBy: { user: where.user },
      notifyRequester: undefined,
    });
    await tell(client, where, result.ok ? queuedText(result.position, result.job.id) : busyText(result));
  });

  guard(ACTION_IDS.digDeeper, async (where) => {
    if (!where.channel || !where.threadTs) return;
    const bot = deps.self.userId ? `<@${deps.self.userId}>` : '@IncidentPilot';
    const message = buildNoticeMessage(
      `:mag_right: ${userMention(where.user)}, what should I dig into? Reply in this thread mentioning ${bot} with your question, e.g. _${bot} was the config change involved?_ — I'll continue from this report.`,
    );
    await deps.service.reply(where.channel, message, where.threadTs);
  });

  guard(ACTION_IDS.cancel, async (where, client) => {
    const outcome = await deps.service.cancel(where.analysisId, where.user);
    if (outcome === 'unknown') await tell(client, where, 'I no longer remember that analysis.');
    else if (outcome === 'finished') await tell(client, where, `Analysis \`${where.analysisId}\` has already finished.`);
  });
}
