import { ToolInputError } from '../../shared/tool-result.js';
import { StoreHttpError } from './http.js';

/** Elasticsearch's answers the backend acts on or explains: its documented error bodies and limits. */

export const RESULT_WINDOW = /Result window is too large, from \+ size must be less than or equal to: \[(\d+)\]/;

export function noServiceField(index: string): ToolInputError {
  return new ToolInputError(
    `no service field in ${index} (looked for service.name, resource.attributes.service.name, service)`,
    'set ELASTICSEARCH_FIELDS, e.g. {"service": "kubernetes.container.name"}',
  );
}

/** Elasticsearch's error bodies ({"error": {"root_cause": [{type, reason}]}, "status"}) as messages with hints. */
export function explain(error: unknown): unknown {
  if (!(error instanceof StoreHttpError)) return error;
  let cause: { type?: string; reason?: string } = {};
  try {
    const body = JSON.parse(error.body) as {
      error?: { root_cause?: { type?: string; reason?: string }[]; type?: string; reason?: string };
    };
    cause = body.error?.root_cause?.[0] ?? body.error ?? {};
  } catch {
    return error;
  }
  const message = `Elasticsearch answered HTTP ${error.status}: ${cause.type ?? 'error'}: ${cause.reason ?? ''}`;
  if (cause.type === 'index_not_found_exception')
    return new ToolInputError(message, 'check ELASTICSEARCH_INDEX (a pattern such as logs-* also matches data streams)');
  if (cause.type === 'too_many_buckets_exception')
    return new ToolInputError(message, 'narrow the window or the service: too many services for one aggregation');
  return new ToolInputError(message, error.hint);
}
