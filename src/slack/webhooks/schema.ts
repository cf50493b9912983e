import { z } from 'zod';

/**
 * The webhook payloads Alertmanager (version 4) and Grafana unified alerting send, as zod schemas. Unknown fields
 * are dropped, never refused: both add fields between releases. Everything here is untrusted data.
 */

/** Alerts kept from one payload; Alertmanager's own `max_alerts` is unlimited by default, the body cap bounds it too. */
export const MAX_ALERTS_PER_PAYLOAD = 1000;

const labelSet = z.record(z.string(), z.string());

/** RFC 3339 time as Go writes it; Go's zero time (`0001-01-01T00:00:00Z`) means "not set". */
const time = z.string().refine((text) => !Number.isNaN(Date.parse(text)), { error: 'expected an RFC 3339 time' });

const alert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet,
  annotations: labelSet.default({}),
  startsAt: time,
  endsAt: time.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1).max(200).optional(),
});

const group = {
  receiver: z.string().default(''),
  status: z.enum(['firing', 'resolved']),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: labelSet.default({}),
  externalURL: z.string().optional(),
  groupKey: z.string().max(4000).default(''),
  truncatedAlerts: z.number().int().nonnegative().default(0),
};

export const AlertmanagerPayload = z.object({
  ...group,
  version: z.string().optional(),
  alerts: z.array(alert).min(1).max(MAX_ALERTS_PER_PAYLOAD),
});

const grafanaAlert = alert.extend({
  values: z.record(z.string(), z.unknown()).nullish(),
  valueString: z.string().optional(),
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  silenceURL: z.string().optional(),
  imageURL: z.string().optional(),
});

export const GrafanaPayload = z.object({
  ...group,
  orgId: z.number().int().optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  state: z.string().optional(),
  version: z.string().optional(),
  alerts: z.array(grafanaAlert).min(1).max(MAX_ALERTS_PER_PAYLOAD),
});

export type WebhookSource = 'alertmanager' | 'grafana';

/**
 * Memory bounds on what a sender can make the bot keep. Display fields are cut (a 0.9 MB annotation is not kept
 * whole), so one alert holds at most about 30 KB; a group keeps alerts up to GROUP_MAX_BYTES and counts the rest in
 * `truncatedAlerts`, so a group (latest delivery plus the alerts it has seen) holds at most twice that.
 */
export const FIELD_BOUNDS = {
  /** Labels kept per set; label keys; label values (Slack shows 120 characters of a label). */
  labels: 32,
  key: 60,
  labelValue: 200,
  /** Annotations kept per alert, and their length (summaries and descriptions are shown cut to a few hundred). */
  annotations: 16,
  annotationValue: 1000,
  links: 4,
  url: 1000,
  values: 300,
  receiver: 200,
} as const;
export const GROUP_MAX_BYTES = 256 * 1024;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function boundSet(set: Record<string, string>, entries: number, valueMax: number): Record<string, string> {
  return Object.fromEntries(
    Object.entries(set)
      .slice(0, entries)
      .map(([key, value]) => [cut(key, FIELD_BOUNDS.key), cut(value, valueMax)]),
  );
}

/** About how many bytes an alert holds in memory (its JSON length; JS strings are at least that). */
export function alertBytes(alert: WebhookAlert): number {
  return JSON.stringify(alert).length;
}

function boundAlert(alert: WebhookAlert): WebhookAlert {
  return {
    ...alert,
    labels: boundSet(alert.labels, FIELD_BOUNDS.labels, FIELD_BOUNDS.labelValue),
    annotations: boundSet(alert.annotations, FIELD_BOUNDS.annotations, FIELD_BOUNDS.annotationValue),
    fingerprint: cut(alert.fingerprint, 200),
    links: alert.links.slice(0, FIELD_BOUNDS.links).map((link) => ({ label: link.label, url: link.url.slice(0, FIELD_BOUNDS.url) })),
    ...(alert.values !== undefined ? { values: cut(alert.values, FIELD_BOUNDS.values) } : {}),
  };
}

/** A group with every display field cut and its alerts kept up to GROUP_MAX_BYTES; the rest are counted. */
export function boundGroup(group: WebhookGroup): WebhookGroup {
  const kept: WebhookAlert[] = [];
  let bytes = 0;
  for (const alert of group.alerts) {
    const bounded = boundAlert(alert);
    bytes += alertBytes(bounded);
    if (bytes > GROUP_MAX_BYTES) break;
    kept.push(bounded);
  }
  return {
    ...group,
    receiver: cut(group.receiver, FIELD_BOUNDS.receiver),
    groupKey: cut(group.groupKey, 4000),
    groupLabels: boundSet(group.groupLabels, FIELD_BOUNDS.labels, FIELD_BOUNDS.labelValue),
    commonLabels: boundSet(group.commonLabels, FIELD_BOUNDS.labels, FIELD_BOUNDS.labelValue),
    commonAnnotations: boundSet(group.commonAnnotations, FIELD_BOUNDS.annotations, FIELD_BOUNDS.annotationValue),
    alerts: kept,
    truncatedAlerts: group.truncatedAlerts + (group.alerts.length - kept.length),
  };
}

/** One alert of a group, the same for both sources. */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  /** Absent while firing (Go's zero time is dropped). */
  endsAt?: string;
  fingerprint: string;
  /** http(s) links by what they are: source (generatorURL), dashboard, panel, silence. */
  links: { label: string; url: string }[];
  /** Grafana's query values, e.g. `B=44.2, C=1`. */
  values?: string;
}

export interface WebhookGroup {
  source: WebhookSource;
  receiver: string;
  status: 'firing' | 'resolved';
  groupKey: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  alerts: WebhookAlert[];
  truncatedAlerts: number;
}

const ZERO_TIME_YEAR = 1970;

function setTime(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) || new Date(at).getUTCFullYear() < ZERO_TIME_YEAR ? undefined : new Date(at).toISOString();
}

/** Alertmanager always sends a fingerprint; a sender that does not gets one from the sorted labels. */
function labelFingerprint(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join(',');
}

function formatValues(values: Record<string, unknown> | null | undefined, valueString: string | undefined): string | undefined {
  if (values && Object.keys(values).length > 0) {
    return (
      Object.entries(values)
        // Only scalars are shown: a nested value is Grafana's business, not a line in Slack.
        .map(
          ([key, value]) =>
            `${key}=${typeof value === 'number' ? Number(value.toPrecision(6)) : value !== null && typeof value === 'object' ? '…' : String(value)}`,
        )
        .join(', ')
    );
  }
  return valueString || undefined;
}

export function fromAlertmanager(payload: z.infer<typeof AlertmanagerPayload>): WebhookGroup {
  return boundGroup(convertAlertmanager(payload));
}

function convertAlertmanager(payload: z.infer<typeof AlertmanagerPayload>): WebhookGroup {
  return {
    source: 'alertmanager',
    receiver: payload.receiver,
    status: payload.status,
    groupKey: payload.groupKey,
    groupLabels: payload.groupLabels,
    commonLabels: payload.commonLabels,
    commonAnnotations: payload.commonAnnotations,
    truncatedAlerts: payload.truncatedAlerts,
    alerts: payload.alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: setTime(a.startsAt) ?? new Date().toISOString(),
      endsAt: a.status === 'resolved' ? setTime(a.endsAt) : undefined,
      fingerprint: a.fingerprint ?? labelFingerprint(a.labels),
      links: a.generatorURL ? [{ label: 'Source', url: a.generatorURL }] : [],
    })),
  };
}

export function fromGrafana(payload: z.infer<typeof GrafanaPayload>): WebhookGroup {
  const group = convertAlertmanager({ ...payload, version: payload.version });
  return boundGroup({
    ...group,
    source: 'grafana',
    alerts: group.alerts.map((converted, i) => {
      const a = payload.alerts[i]!;
      const links = [...converted.links];
      if (a.dashboardURL) links.push({ label: 'Dashboard', url: a.dashboardURL });
      if (a.panelURL) links.push({ label: 'Panel', url: a.panelURL });
      if (a.silenceURL) links.push({ label: 'Silence', url: a.silenceURL });
      return { ...converted, links, values: formatValues(a.values, a.valueString) };
    }),
  });
}

/** The first schema problem as `alerts[0].startsAt: expected an RFC 3339 time`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid payload';
  const where = issue.path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
  return `${where || '(body)'}: ${issue.message}`;
}
