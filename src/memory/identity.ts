import type { Report } from '../report/schema.js';
import type { IncidentIdentity, RecordedToolCall } from './types.js';

/** Signatures kept per incident (the logs server ranks them, most frequent first). */
export const MAX_SIGNATURES = 20;
/** Anomalous metrics kept per incident, most severe first. */
export const MAX_METRICS = 10;
/** Services kept per incident. */
export const MAX_SERVICES = 10;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item.length > 0) : [];
}

function objects(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => !!item && typeof item === 'object') : [];
}

function push(list: string[], value: string, max: number): void {
  if (list.length < max && !list.includes(value)) list.push(value);
}

/**
 * Reads the identity out of the report and the structured tool outputs, by the servers' contracts (error_summary's
 * `signatures`, get_anomalies' `anomalies`), never by the incident's wording. Overflow buckets are not signatures.
 */
export function identityOf(
  report: Report,
  calls: readonly RecordedToolCall[],
  where: { analysisId: string; channel: string; channelPrivate?: boolean; threadTs?: string; at: number },
): IncidentIdentity {
  const services: string[] = [];
  const signatures: string[] = [];
  const metrics: string[] = [];
  if (report.suspect?.service) push(services, report.suspect.service, MAX_SERVICES);
  for (const call of calls) {
    if (!call.ok || !call.structured) continue;
    for (const group of objects(call.structured.signatures)) {
      const signature = group.signature;
      if (typeof signature !== 'string' || signature.startsWith('(')) continue;
      const level = typeof group.level === 'string' ? group.level : '';
      if (level === 'warn' || level === 'warning' || level === 'info' || level === 'debug') continue;
      push(signatures, signature, MAX_SIGNATURES);
      for (const service of strings(group.services)) push(services, service, MAX_SERVICES);
    }
    for (const anomaly of objects(call.structured.anomalies)) {
      if (typeof anomaly.metric === 'string') push(metrics, anomaly.metric, MAX_METRICS);
      if (typeof anomaly.service === 'string') push(services, anomaly.service, MAX_SERVICES);
    }
  }
  return {
    ...where,
    engine: report.engine,
    incident: report.incident,
    services,
    ...(report.suspect ? { suspectKind: report.suspect.kind } : {}),
    ...(report.suspect?.id ? { suspectId: report.suspect.id } : {}),
    signatures,
    metrics,
    summary: report.summary,
    rootCause: report.rootCause,
    confidence: report.confidence,
  };
}
