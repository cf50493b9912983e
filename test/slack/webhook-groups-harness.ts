import type { SlackMessage } from '../../src/slack/blocks/report.js';
import { AlertGroups } from '../../src/slack/webhooks/groups.js';
import type { WebhookAlert, WebhookGroup } from '../../src/slack/webhooks/schema.js';
import { AnalysisJob, type Trigger } from '../../src/slack/worker/job.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { StateStore } from '../../src/store/types.js';

/** Alert groups without Slack or a queue: a recording Slack, a service that records submissions, a settable clock. */

export const T0 = '2026-03-01T10:00:00.000Z';

export function alert(instance: string, overrides: Partial<WebhookAlert> = {}): WebhookAlert {
  return {
    status: 'firing',
    labels: { alertname: 'DiskFull', severity: 'warning', service: 'search', instance },
    annotations: { summary: `disk above 95% on ${instance}` },
    startsAt: T0,
    fingerprint: `fp-${instance}`,
    links: [],
    ...overrides,
  };
}

export function group(alerts: WebhookAlert[], status: 'firing' | 'resolved' = 'firing'): WebhookGroup {
  return {
    source: 'alertmanager',
    receiver: 'incidentpilot',
    status,
    groupKey: '{}:{alertname="DiskFull"}',
    groupLabels: { alertname: 'DiskFull' },
    commonLabels: { alertname: 'DiskFull', severity: 'warning', service: 'search' },
    commonAnnotations: {},
    alerts,
    truncatedAlerts: 0,
  };
}

/** AlertGroups against a recording Slack and a service that only records submissions. */
export function harness(options: { full?: boolean; failPost?: boolean; store?: StateStore; clock?: number } = {}) {
  const posts: { channel: string; message: SlackMessage; threadTs?: string }[] = [];
  const updates: { ts: string; message: SlackMessage }[] = [];
  const notes: string[] = [];
  const resolutions: string[] = [];
  const submitted: Trigger[] = [];
  /** The analyses the service started, as the groups hold them (a test may move their state on). */
  const jobs: AnalysisJob[] = [];
  let clock = options.clock ?? Date.parse(T0);
  let failPost = options.failPost ?? false;
  const store = options.store ?? SqliteStore.open(':memory:');
  const service = {
    full: options.full ?? false,
    submit(trigger: Trigger) {
      submitted.push(trigger);
      const job = new AnalysisJob(trigger, clock);
      jobs.push(job);
      void store.saveAnalysis(job.toStored());
      return { ok: true as const, job, position: 0 };
    },
    async find(id: string) {
      const stored = await store.getAnalysis(id);
      return stored ? AnalysisJob.fromStored(stored) : undefined;
    },
    async noteInThread(_job: AnalysisJob, text: string) {
      notes.push(text);
    },
    async resolveAlert(job: AnalysisJob, text: string) {
      job.resolution = text;
      resolutions.push(text);
    },
  };
  const groups = new AlertGroups({
    service,
    io: {
      async post(channel, message, threadTs) {
        if (failPost) throw Object.assign(new Error('x'), { data: { error: 'not_in_channel' } });
        posts.push({ channel, message, threadTs });
        return `${1000 + posts.length}.000100`;
      },
      async update(_channel, ts, message) {
        updates.push({ ts, message });
      },
      async ephemeral() {},
    },
    store,
    cooldownMs: 15 * 60_000,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    now: () => clock,
  });
  return {
    groups,
    store,
    service,
    posts,
    updates,
    notes,
    resolutions,
    submitted,
    jobs,
    advance: (ms: number) => {
      clock += ms;
    },
    now: () => clock,
    set failPost(value: boolean) {
      failPost = value;
    },
  };
}
