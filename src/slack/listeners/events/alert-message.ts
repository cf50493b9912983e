import type { App } from '@slack/bolt';
import { toAlertMessage } from '../../alerts/message.js';
import { ALERT_PARSERS, alertFingerprint, alertIncident, parseAlert } from '../../alerts/registry.js';
import { alertRefs, runbookUrlOf } from '../../alerts/runbook-url.js';
import { buildNoticeMessage } from '../../blocks/status.js';
import type { SlackDeps } from '../../deps.js';
import { resolvedText } from '../../webhooks/groups.js';
import { slackErrorCode } from '../../worker/slack-io.js';
import { refusedText } from '../replies.js';

/** Without ALERT_GENERIC only the integrations' own formats count: "Build failed" in a busy channel starts nothing. */
const SPECIFIC_PARSERS = ALERT_PARSERS.filter((parser) => parser.source !== 'generic');

/** Message subtypes that can carry a new alert; edits, deletions and joins cannot. */
const ALERT_SUBTYPES = new Set([undefined, 'bot_message']);

/**
 * Messages in ALERT_CHANNELS posted by integrations or other bots. Firing alerts start an analysis in the alert's
 * thread; repeats within ALERT_COOLDOWN join; a resolved one that matches an analysed fingerprint is noted in that
 * analysis' thread and status; other resolved ones and the bot's own messages are ignored.
 */
export function register(app: App, deps: SlackDeps): void {
  app.event('message', async ({ event, body }) => {
    const message = event as unknown as Record<string, unknown> & { channel: string; ts: string; subtype?: string; thread_ts?: string };
    if (!deps.alertChannels.has(message.channel)) return;
    if (!ALERT_SUBTYPES.has(message.subtype)) return;
    const botId = typeof message.bot_id === 'string' ? message.bot_id : undefined;
    if (message.subtype !== 'bot_message' && !botId) return;
    if ((botId && botId === deps.self.botId) || (deps.self.userId && message.user === deps.self.userId)) return;
    if (message.thread_ts && message.thread_ts !== message.ts) return;
    if (await deps.dedupe.seen(body.event_id)) {
      deps.logger.debug(`message ${body.event_id}: Slack retry ignored`);
      return;
    }
    if (!deps.policy.alertSenderAllowed(botId)) {
      deps.logger.info(`message in ${message.channel} from bot ${botId ?? '-'} ignored: not in ALERT_BOT_IDS`);
      return;
    }

    const alert = parseAlert(toAlertMessage(message), deps.policy.genericAlerts ? ALERT_PARSERS : SPECIFIC_PARSERS);
    if (!alert) return;
    const shared = await deps.policy.sharedChannelRefusal(message.channel).catch((error: unknown) => ({
      allowed: false as const,
      reason: 'check_failed' as const,
      text: error instanceof Error ? error.message : String(error),
    }));
    if (shared) {
      deps.logger.warn(`alert in ${message.channel} not analysed: ${shared.reason} (ALLOW_SHARED_CHANNELS)`);
      return;
    }
    if (alert.status === 'resolved') {
      // Resolution of an alert already analysed is noted in that thread; no new analysis either way.
      const job = await deps.service.alertJob(alertFingerprint(alert));
      if (job) {
        const resolvedAt = Number(message.ts) * 1000 || Date.now();
        await deps.service.resolveAlert(job, resolvedText(new Date(job.createdAt).toISOString(), new Date(resolvedAt).toISOString()));
        return;
      }
    }
    if (alert.status !== 'firing') {
      deps.logger.info(`${alert.source} alert ${alert.alertName} is ${alert.status}; no analysis`);
      return;
    }
    const fingerprint = alertFingerprint(alert);
    const result = await deps.service.submitAlert(
      {
        origin: 'alert',
        channel: message.channel,
        threadTs: message.ts,
        incident: alertIncident(alert),
        context: `Alert message as posted in Slack:\n${alert.details.slice(0, 4000)}`,
        requestedBy: { text: `${alert.source} alert` },
        fingerprint,
        alerts: alertRefs([{ name: alert.alertName, runbookUrl: runbookUrlOf(alert) }]),
      },
      message.ts,
    );
    if (!result.ok) {
      if (!deps.alertBusy.shouldPost(message.channel)) {
        deps.logger.warn(`alert ${alert.alertName} in ${message.channel} not analysed (${result.reason}); busy notice already posted`);
        return;
      }
      const notice = buildNoticeMessage(`${refusedText(result)} Mention me in this thread to analyse this alert later.`);
      await deps.service.reply(message.channel, notice, message.ts).catch((error: unknown) => {
        deps.logger.error(`alert busy reply failed: ${slackErrorCode(error)}`);
      });
    }
  });
}
