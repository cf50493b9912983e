import type { types } from '@slack/bolt';
import { SLACK_LIMITS } from '../blocks/limits.js';
import { context, type SlackMessage, section } from '../blocks/report.js';
import { joinBounded, mrkdwn, oneLine, safeLink } from '../blocks/text.js';
import type { WebhookAlert, WebhookGroup } from './schema.js';

export { safeLink };

/**
 * Block Kit for alerts that arrive by webhook: the parent message of the alert's thread and the notes posted in it.
 * Pure functions. Every label, annotation and link is untrusted: escaped (so `<!channel>` cannot ping) and bounded.
 */

/** Alerts listed one by one in the parent; the rest are counted. */
const MAX_ALERTS_SHOWN = 8;
/** Labels shown per line; alert groups from Kubernetes carry dozens. */
const MAX_LABELS_SHOWN = 10;
/** Links per alert (source, runbook, dashboards …). */
const MAX_LINKS = 6;
const ANNOTATION_CHARS = 600;

/** Labels every alert has or that only say which Prometheus replica sent it: noise in a headline. */
const UNINTERESTING_LABELS = new Set(['alertname', 'severity', '__name__', 'prometheus', 'prometheus_replica', '__alert_rule_uid__']);
/** Annotations whose value is a dashboard link, by convention in Prometheus rules and Grafana. */
const DASHBOARD_ANNOTATION = /dashboard|grafana|panel/i;

export const SOURCE_NAMES = { alertmanager: 'Alertmanager', grafana: 'Grafana' } as const;

export function alertName(group: WebhookGroup): string {
  return group.commonLabels.alertname ?? group.groupLabels.alertname ?? group.alerts[0]?.labels.alertname ?? 'alert';
}

export function severityOf(group: WebhookGroup): string | undefined {
  return group.commonLabels.severity ?? group.alerts.find((a) => a.labels.severity)?.labels.severity;
}

function labelList(labels: Record<string, string>, skip: Record<string, string> = {}): string {
  const shown = Object.entries(labels)
    .filter(([key, value]) => !UNINTERESTING_LABELS.has(key) && skip[key] !== value)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = shown.slice(0, MAX_LABELS_SHOWN).map(([key, value]) => `\`${oneLine(`${key}=${value}`, 120)}\``);
  if (shown.length > MAX_LABELS_SHOWN) parts.push(`+${shown.length - MAX_LABELS_SHOWN} more`);
  return parts.join(' ');
}

/** Source, runbook and dashboard links of one alert (annotations first, then what the sender attached). */
export function alertLinks(alert: WebhookAlert, common: Record<string, string> = {}): string[] {
  const annotations = { ...common, ...alert.annotations };
  const candidates: { label: string; url: string }[] = [...alert.links];
  if (annotations.runbook_url) candidates.push({ label: 'Runbook', url: annotations.runbook_url });
  for (const [key, value] of Object.entries(annotations)) {
    if (key !== 'runbook_url' && DASHBOARD_ANNOTATION.test(key)) candidates.push({ label: key.replace(/_url$/i, ''), url: value });
  }
  const seen = new Set<string>();
  const out: string[] = [];
  for (const { label, url } of candidates) {
    if (out.length >= MAX_LINKS || seen.has(url)) continue;
    const link = safeLink(url, label);
    if (link) {
      seen.add(url);
      out.push(link);
    }
  }
  return out;
}

export function formatTime(iso: string): string {
  return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}

/** `12 min`, `2 h 5 min`, `45 s`. */
export function formatLasted(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export interface ParentView {
  group: WebhookGroup;
  /** Alerts of the group seen firing, with their current state. */
  alerts: WebhookAlert[];
  /** "resolved at … (lasted …)" once the whole group resolved. */
  resolution?: string;
}

/** The channel message an alert group's thread hangs off. */
export function buildAlertParent(view: ParentView): SlackMessage {
  const { group } = view;
  const name = alertName(group);
  const severity = severityOf(group);
  const firing = view.alerts.filter((a) => a.status === 'firing');
  const headline = view.resolution
    ? `:white_check_mark: *[RESOLVED] ${oneLine(name, 200)}*`
    : `:rotating_light: *[FIRING:${firing.length}] ${oneLine(name, 200)}*`;
  const lines = [`${headline}${severity ? ` · severity *${oneLine(severity, 40)}*` : ''}`];
  if (view.resolution) lines.push(`_${view.resolution}_`);
  const common = labelList(group.commonLabels);
  if (common) lines.push(common);
  const first = view.alerts[0];
  const summary = group.commonAnnotations.summary ?? (view.alerts.length === 1 ? first?.annotations.summary : undefined);
  const description = group.commonAnnotations.description ?? (view.alerts.length === 1 ? first?.annotations.description : undefined);
  if (summary) lines.push(`*Summary:* ${oneLine(summary, ANNOTATION_CHARS)}`);
  if (description) lines.push(`*Description:* ${mrkdwn(description.trim(), ANNOTATION_CHARS)}`);

  const alertLines: string[] = [];
  for (const alert of view.alerts.slice(0, MAX_ALERTS_SHOWN)) {
    const icon = alert.status === 'firing' ? ':red_circle:' : ':large_green_circle:';
    const own = labelList(alert.labels, group.commonLabels);
    const text = alert.annotations.summary && alert.annotations.summary !== summary ? ` — ${oneLine(alert.annotations.summary, 200)}` : '';
    const values = alert.values ? ` (${oneLine(alert.values, 120)})` : '';
    const links = alertLinks(alert, group.commonAnnotations);
    alertLines.push(
      `${icon} ${own || oneLine(alertNameOf(alert), 100)}${text}${values}${links.length ? `\n     ${links.join(' · ')}` : ''}`,
    );
  }
  if (view.alerts.length > MAX_ALERTS_SHOWN) alertLines.push(`… and ${view.alerts.length - MAX_ALERTS_SHOWN} more`);
  if (group.truncatedAlerts > 0) alertLines.push(`(${group.truncatedAlerts} more left out by ${SOURCE_NAMES[group.source]})`);

  const blocks: types.KnownBlock[] = [section(joinBounded(lines, SLACK_LIMITS.sectionText))];
  if (alertLines.length > 0) blocks.push(section(joinBounded(alertLines, SLACK_LIMITS.sectionText)));
  blocks.push(
    context(
      `${SOURCE_NAMES[group.source]}${group.receiver ? ` · receiver ${oneLine(group.receiver, 80)}` : ''} · ${
        view.resolution ? 'resolved; the analysis stays in the thread' : 'analysis in the thread'
      }`,
    ),
  );
  const fallback = `${view.resolution ? '[RESOLVED]' : `[FIRING:${firing.length}]`} ${name}${summary ? `: ${summary}` : ''}`;
  return { text: mrkdwn(fallback.replace(/\s+/g, ' '), SLACK_LIMITS.fallbackText), blocks };
}

function alertNameOf(alert: WebhookAlert): string {
  return alert.labels.alertname ?? 'alert';
}

/** One line per alert for notes in the thread: name and the labels that tell it apart. */
export function alertLine(alert: WebhookAlert, common: Record<string, string>): string {
  const own = labelList(alert.labels, common);
  return `${oneLine(alertNameOf(alert), 100)}${own ? ` ${own}` : ''}`;
}

/** Alerts that joined a group already under analysis. */
export function newAlertsNote(alerts: WebhookAlert[], common: Record<string, string>): string {
  const lines = alerts.slice(0, MAX_ALERTS_SHOWN).map((alert) => `• ${alertLine(alert, common)}`);
  if (alerts.length > MAX_ALERTS_SHOWN) lines.push(`… and ${alerts.length - MAX_ALERTS_SHOWN} more`);
  const count = `${alerts.length} new alert${alerts.length === 1 ? '' : 's'}`;
  return joinBounded([`:heavy_plus_sign: ${count} in this group (no new analysis; this one covers them):`, ...lines], 2900);
}

/** Some alerts resolved while others still fire. */
export function partlyResolvedNote(
  alerts: { alert: WebhookAlert; text: string }[],
  stillFiring: number,
  common: Record<string, string>,
): string {
  const lines = alerts.slice(0, MAX_ALERTS_SHOWN).map(({ alert, text }) => `• ${alertLine(alert, common)} ${text}`);
  if (alerts.length > MAX_ALERTS_SHOWN) lines.push(`… and ${alerts.length - MAX_ALERTS_SHOWN} more`);
  return joinBounded([`:large_green_circle: ${stillFiring} still firing; resolved:`, ...lines], 2900);
}
