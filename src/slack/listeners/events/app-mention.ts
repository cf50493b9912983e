import type { App } from '@slack/bolt';
import { buildNoticeMessage } from '../../blocks/status.js';
import { oneLine } from '../../blocks/text.js';
import { buildUsageMessage } from '../../blocks/usage.js';
import { MAX_INCIDENT_CHARS, RCA_COMMAND, type SlackDeps } from '../../deps.js';
import { reportContext, stripMention, THREAD_MESSAGE_LIMIT, type ThreadMessage, threadTranscript } from '../../worker/context.js';
import type { Trigger } from '../../worker/job.js';
import { slackErrorCode } from '../../worker/slack-io.js';
import { queuedText, refusedText } from '../replies.js';

/**
 * @mentions. In a thread: the thread is the incident's context; in the thread of a finished analysis: a
 * follow-up with the previous report as context. Outside a thread: the mention's own text. Answers go in the thread.
 */
export function register(app: App, deps: SlackDeps): void {
  app.event('app_mention', async ({ event, body, client }) => {
    if (await deps.dedupe.seen(body.event_id)) {
      deps.logger.debug(`app_mention ${body.event_id}: Slack retry ignored`);
      return;
    }
    const channel = event.channel;
    const threadTs = event.thread_ts ?? event.ts;
    const inThread = Boolean(event.thread_ts && event.thread_ts !== event.ts);
    const botId = (event as { bot_id?: string }).bot_id;
    if (botId && botId === deps.self.botId) return;
    const say = (text: string) => deps.service.reply(channel, buildNoticeMessage(text), threadTs);
    // Refusals reach only the person who asked; a bot cannot read an ephemeral message, so for bots they are only logged.
    const tellAsker = async (text: string) => {
      if (!event.user || botId) return;
      await deps.service.replyEphemeral(channel, event.user, buildNoticeMessage(text), threadTs);
    };
    const question = stripMention(event.text ?? '', deps.self.userId).slice(0, MAX_INCIDENT_CHARS);
    const requestedBy = event.user ? { user: event.user } : { text: 'a bot' };

    try {
      const previous = await deps.service.inThread(channel, threadTs);
      const decision = await deps.policy.check({ action: previous?.report ? 'followup' : 'analyse', channel, user: event.user, botId });
      if (!decision.allowed) {
        await tellAsker(decision.text);
        return;
      }
      if (/^(help|-h|--help|\?)$/i.test(question)) {
        const usage = buildUsageMessage(RCA_COMMAND, deps.self.userId);
        await deps.service.reply(channel, usage, threadTs);
        return;
      }
      if (previous?.active) {
        await tellAsker(refusedText({ ok: false, reason: 'thread_busy', job: previous }));
        return;
      }

      let trigger: Trigger;
      if (previous?.report) {
        const thread = inThread ? await readThread(client, channel, threadTs) : [];
        trigger = {
          origin: 'followup',
          channel,
          threadTs,
          incident: question || `Dig deeper into: ${previous.trigger.incident}`,
          context: [reportContext(previous.report), threadTranscript(thread, deps.self)].filter(Boolean).join('\n\nThread:\n'),
          requestedBy,
        };
      } else if (inThread) {
        const thread = await readThread(client, channel, threadTs);
        const parent = stripMention(thread[0]?.text ?? '', deps.self.userId);
        const incident = question || parent;
        if (!incident) {
          await say(`Tell me what is broken, e.g. <@${deps.self.userId ?? 'IncidentPilot'}> checkout returns 502 since 14:00`);
          return;
        }
        trigger = {
          origin: 'mention',
          channel,
          threadTs,
          incident: incident.slice(0, MAX_INCIDENT_CHARS),
          context: threadTranscript(thread, deps.self),
          requestedBy,
        };
      } else {
        if (!question) {
          const usage = buildUsageMessage(RCA_COMMAND, deps.self.userId);
          await deps.service.reply(channel, usage, threadTs);
          return;
        }
        trigger = { origin: 'mention', channel, threadTs, incident: question, requestedBy };
      }

      const result = await deps.service.submitInThread(trigger);
      if (!result.ok) await tellAsker(refusedText(result));
      else if (result.position > 0) await say(queuedText(result.position, result.job.id));
    } catch (error) {
      deps.logger.error(`app_mention in ${channel} failed: ${slackErrorCode(error)}`);
      await say(`:x: I could not start an analysis: ${oneLine(slackErrorCode(error), 300)}`).catch(() => {});
    }
  });
}

/** One page of the thread (parent first), bounded by THREAD_MESSAGE_LIMIT. */
async function readThread(client: App['client'], channel: string, ts: string): Promise<ThreadMessage[]> {
  const result = await client.conversations.replies({ channel, ts, limit: THREAD_MESSAGE_LIMIT });
  return (result.messages ?? []).slice(0, THREAD_MESSAGE_LIMIT) as ThreadMessage[];
}
