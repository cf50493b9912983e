import { configuredRedactor } from '../../redaction/index.js';
import type { StateStore, StoredAlertGroup } from '../../store/types.js';
import { buildNoticeMessage } from '../blocks/status.js';
import { refusedText } from '../listeners/replies.js';
import { awaitPeer } from '../worker/await-peer.js';
import { BoundedMap } from '../worker/bounded-map.js';
import type { AnalysisJob } from '../worker/job.js';
import type { AnalysisService, Logger } from '../worker/service.js';
import { type SlackIO, slackErrorCode } from '../worker/slack-io.js';
import { buildAlertParent, formatLasted, formatTime, newAlertsNote, partlyResolvedNote } from './blocks.js';
import { alertTrigger } from './incident.js';
import { alertBytes, GROUP_MAX_BYTES, MAX_ALERTS_PER_PAYLOAD, type WebhookAlert, type WebhookGroup } from './schema.js';

/**
 * Alert groups kept in memory for joining and resolution; the store remembers the rest, across restarts too. With
 * each group bounded (schema.ts, GROUP_MAX_BYTES for its latest delivery and again for the alerts it has seen), the
 * groups together hold at most 200 × 512 KiB = 100 MiB, whatever senders send.
 */
const MAX_REMEMBERED_GROUPS = 200;

/** What one webhook delivery did: `busy` is answered 503 so the sender retries; the rest 2xx. */
export type IntakeOutcome = 'started' | 'updated' | 'unchanged' | 'ignored' | 'busy';

export interface AlertGroupsOptions {
  service: Pick<AnalysisService, 'full' | 'submit' | 'noteInThread' | 'resolveAlert' | 'find'>;
  io: SlackIO;
  store: StateStore;
  cooldownMs: number;
  logger: Logger;
  now?: () => number;
}

interface TrackedGroup {
  channel: string;
  latest: WebhookGroup;
  /** Alerts seen in this group by fingerprint, with their last known state (at most GROUP_MAX_BYTES of them). */
  alerts: Map<string, WebhookAlert>;
  /** About how many bytes `alerts` holds. */
  bytes: number;
  createdAt: number;
  parentTs?: string;
  job?: AnalysisJob;
  resolution?: string;
  /** Slack refused the parent message (bot not in the channel …). */
  refused?: boolean;
  /** Slack effects of this group run one after another, in the order deliveries arrived. */
  chain: Promise<void>;
}

/**
 * Alert groups from webhooks, by group key: the first firing delivery posts the parent message and starts one
 * analysis in its thread; later deliveries within ALERT_COOLDOWN join it (new alerts are noted, plain resends post
 * nothing); resolution is noted in the thread and on both messages. Deliveries are taken one at a time, so the HTTP
 * answer says what happened; Slack calls follow in the background. Every change is saved to the store, so a restart
 * keeps a group's thread, its de-duplication and its resolution.
 */
export class AlertGroups {
  private readonly groups = new BoundedMap<string, TrackedGroup>(MAX_REMEMBERED_GROUPS);
  private readonly now: () => number;
  /** One delivery at a time: two copies of a group arriving together must not both miss it and start two threads. */
  private intake: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: AlertGroupsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Resolves once every Slack effect queued so far has run (tests and shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.groups.values()].map((group) => group.chain));
  }

  receive(group: WebhookGroup, channel: string): Promise<IntakeOutcome> {
    const next = this.intake.then(() => this.receiveOne(group, channel));
    this.intake = next.catch(() => {});
    return next;
  }

  private async receiveOne(group: WebhookGroup, channel: string): Promise<IntakeOutcome> {
    const key = groupKey(group, channel);
    const known = this.groups.get(key) ?? (await this.load(key));
    // A group whose parent Slack refused is as good as unknown: the sender's next delivery tries again.
    let tracked = known?.refused ? undefined : known;
    const firing = group.status === 'firing' ? group.alerts.filter((a) => a.status === 'firing') : [];
    // Past the cooldown (or after a failed analysis) only something newly firing deserves a new analysis; resends
    // and resolutions still belong to the thread the group already has.
    const stale =
      tracked &&
      (this.now() - tracked.createdAt >= this.options.cooldownMs || tracked.job?.state === 'failed' || tracked.job?.state === 'cancelled');
    const starts = tracked ? stale && firing.some((a) => isNew(a, tracked?.alerts.get(a.fingerprint))) : firing.length > 0;
    if (starts) {
      // Two replicas given the same group at once: the one that claims it starts; the other joins its thread.
      if (this.options.service.full) return 'busy';
      const since = known?.createdAt ?? 0;
      if (await this.options.store.coordination.claim('group', `${key}@${since}`, this.now(), this.options.cooldownMs))
        return this.start(key, group, firing, channel);
      tracked = await awaitPeer(async () => {
        const stored = await this.options.store.alertGroup(key);
        return stored?.parentTs && stored.createdAt > since ? this.load(key) : undefined;
      });
      if (!tracked) return 'busy';
    }
    if (!tracked) return 'ignored';
    const outcome = this.update(tracked, group);
    if (outcome === 'updated') this.save(key, tracked);
    return outcome;
  }

  /** A group the store remembers (after a restart, or evicted from memory), with the analysis it started. */
  private async load(key: string): Promise<TrackedGroup | undefined> {
    const stored = await this.options.store.alertGroup(key);
    if (!stored) return undefined;
    const job = stored.analysisId ? await this.options.service.find(stored.analysisId) : undefined;
    const tracked: TrackedGroup = {
      channel: stored.channel,
      latest: stored.latest as WebhookGroup,
      alerts: new Map((stored.alerts as WebhookAlert[]).map((alert) => [alert.fingerprint, alert])),
      bytes: (stored.alerts as WebhookAlert[]).reduce((sum, alert) => sum + alertBytes(alert), 0),
      createdAt: stored.createdAt,
      chain: Promise.resolve(),
      ...(stored.parentTs ? { parentTs: stored.parentTs } : {}),
      ...(job ? { job } : {}),
      ...(stored.resolution ? { resolution: stored.resolution } : {}),
    };
    this.groups.set(key, tracked);
    return tracked;
  }

  private save(key: string, tracked: TrackedGroup): void {
    // Labels and annotations carry whatever the sender put there: redacted before they are kept (fingerprints survive).
    const redactor = configuredRedactor();
    const stored: StoredAlertGroup = {
      channel: tracked.channel,
      latest: redactor.value(tracked.latest),
      alerts: redactor.value([...tracked.alerts.values()]),
      createdAt: tracked.createdAt,
      ...(tracked.parentTs ? { parentTs: tracked.parentTs } : {}),
      ...(tracked.job ? { analysisId: tracked.job.id } : {}),
      ...(tracked.resolution ? { resolution: tracked.resolution } : {}),
    };
    this.options.store
      .saveAlertGroup(key, stored, this.now())
      .catch((error: unknown) => this.options.logger.error(`alert group not saved: ${slackErrorCode(error)}`));
  }

  private start(key: string, group: WebhookGroup, firing: WebhookAlert[], channel: string): IntakeOutcome {
    if (this.options.service.full) return 'busy';
    const tracked: TrackedGroup = {
      channel,
      latest: group,
      alerts: new Map(firing.map((a) => [a.fingerprint, a])),
      bytes: firing.reduce((sum, alert) => sum + alertBytes(alert), 0),
      createdAt: this.now(),
      chain: Promise.resolve(),
    };
    this.groups.set(key, tracked);
    tracked.chain = this.post(key, tracked, firing).catch((error: unknown) => {
      this.options.logger.error(`alert group ${group.groupKey || '(no key)'}: ${slackErrorCode(error)}`);
    });
    return 'started';
  }

  private async post(key: string, tracked: TrackedGroup, firing: WebhookAlert[]): Promise<void> {
    const { io, service, logger } = this.options;
    let parentTs: string;
    try {
      parentTs = await io.post(tracked.channel, buildAlertParent(this.parentView(tracked)));
    } catch (error) {
      const code = slackErrorCode(error);
      const hint = /not_in_channel|channel_not_found/.test(code) ? ' (invite the bot to the channel: /invite @IncidentPilot)' : '';
      logger.error(`could not post the alert in ${tracked.channel}: ${code}${hint}`);
      tracked.refused = true;
      return;
    }
    tracked.parentTs = parentTs;
    const result = service.submit(alertTrigger(tracked.latest, firing, tracked.channel, parentTs));
    if (result.ok) tracked.job = result.job;
    // Saved once the thread exists: a group whose parent Slack refused stays unknown, so the next delivery retries.
    this.save(key, tracked);
    if (result.ok) return;
    await io.post(
      tracked.channel,
      buildNoticeMessage(`${refusedText(result)} Mention me in this thread to analyse this alert later.`),
      parentTs,
    );
  }

  private update(tracked: TrackedGroup, group: WebhookGroup): IntakeOutcome {
    const added: WebhookAlert[] = [];
    const resolved: WebhookAlert[] = [];
    for (const alert of group.alerts) {
      const known = tracked.alerts.get(alert.fingerprint);
      const status = group.status === 'resolved' ? 'resolved' : alert.status;
      if (status === 'firing') {
        const size = alertBytes(alert);
        const grows = size - (known ? alertBytes(known) : 0);
        if (!known && (tracked.alerts.size >= MAX_ALERTS_PER_PAYLOAD || tracked.bytes + size > GROUP_MAX_BYTES)) {
          // Counted, not kept: the group's memory (and its store row) stays bounded however many alerts join it.
          group.truncatedAlerts += 1;
          continue;
        }
        if (isNew(alert, known)) added.push(alert);
        tracked.alerts.set(alert.fingerprint, alert);
        tracked.bytes += grows;
      } else if (known?.status === 'firing') {
        const done = { ...alert, status: 'resolved' as const, endsAt: alert.endsAt ?? new Date(this.now()).toISOString() };
        resolved.push(done);
        tracked.alerts.set(alert.fingerprint, done);
      }
    }
    // A group Alertmanager calls resolved has no firing alert left, even ones this payload left out.
    if (group.status === 'resolved') {
      for (const [fingerprint, alert] of tracked.alerts) {
        if (alert.status !== 'firing') continue;
        const done = { ...alert, status: 'resolved' as const, endsAt: new Date(this.now()).toISOString() };
        resolved.push(done);
        tracked.alerts.set(fingerprint, done);
      }
    }
    if (added.length === 0 && resolved.length === 0) return 'unchanged';
    tracked.latest = group;

    const stillFiring = [...tracked.alerts.values()].filter((a) => a.status === 'firing').length;
    let resolution: string | undefined;
    if (stillFiring === 0) resolution = this.resolution(tracked);
    const wasResolved = tracked.resolution !== undefined;
    tracked.resolution = resolution;
    const common = group.commonLabels;
    tracked.chain = tracked.chain.then(async () => {
      try {
        await this.effects(tracked, { added, resolved, stillFiring, resolution, wasResolved, common });
      } catch (error) {
        this.options.logger.warn(`alert group update failed: ${slackErrorCode(error)}`);
      }
    });
    return 'updated';
  }

  private async effects(
    tracked: TrackedGroup,
    change: {
      added: WebhookAlert[];
      resolved: WebhookAlert[];
      stillFiring: number;
      resolution?: string;
      wasResolved: boolean;
      common: Record<string, string>;
    },
  ): Promise<void> {
    const { io, service } = this.options;
    const { job, parentTs } = tracked;
    if (!parentTs) return;
    const note = (text: string) =>
      job ? service.noteInThread(job, text) : io.post(tracked.channel, buildNoticeMessage(text), parentTs).then(() => {});
    if (change.added.length > 0) {
      await note(
        change.wasResolved
          ? `:rotating_light: Firing again. ${newAlertsNote(change.added, change.common)}`
          : newAlertsNote(change.added, change.common),
      );
    }
    if (change.resolution) {
      if (job) await service.resolveAlert(job, change.resolution);
      else await note(`:white_check_mark: Alert ${change.resolution}.`);
    } else if (change.resolved.length > 0) {
      const lines = change.resolved.map((alert) => ({ alert, text: resolvedText(alert.startsAt, alert.endsAt) }));
      await note(partlyResolvedNote(lines, change.stillFiring, change.common));
    }
    await io.update(tracked.channel, parentTs, buildAlertParent(this.parentView(tracked)));
  }

  /** "resolved at … (lasted …)" from the earliest start to the latest end in the group. */
  private resolution(tracked: TrackedGroup): string {
    const alerts = [...tracked.alerts.values()];
    const start = Math.min(...alerts.map((a) => Date.parse(a.startsAt)));
    const end = Math.max(...alerts.map((a) => Date.parse(a.endsAt ?? '') || this.now()));
    return resolvedText(new Date(start).toISOString(), new Date(end).toISOString());
  }

  private parentView(tracked: TrackedGroup) {
    return { group: tracked.latest, alerts: [...tracked.alerts.values()], resolution: tracked.resolution };
  }
}

/** Firing and not known to be firing already (new to the group, or firing again with a new start). */
function isNew(alert: WebhookAlert, known: WebhookAlert | undefined): boolean {
  return !known || known.status === 'resolved' || known.startsAt !== alert.startsAt;
}

export function resolvedText(startsAt: string, endsAt: string | undefined): string {
  const end = endsAt ?? startsAt;
  return `resolved at ${formatTime(end)} (lasted ${formatLasted(Date.parse(end) - Date.parse(startsAt))})`;
}

/** The sender's group key, per source and receiver (Grafana's default key is the same for many groups) and channel. */
function groupKey(group: WebhookGroup, channel: string): string {
  const key = group.groupKey || JSON.stringify(Object.entries(group.groupLabels).sort());
  return `${group.source}\n${group.receiver}\n${channel}\n${key}`;
}
