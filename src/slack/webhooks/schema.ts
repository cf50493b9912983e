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
  const group = fromAlertmanager({ ...payload, version: payload.version });
  return {
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
  };
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
