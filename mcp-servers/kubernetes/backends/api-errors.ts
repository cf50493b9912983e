import { ToolInputError } from '../../shared/tool-result.js';
import { RESOURCES, type ResourceName } from '../resources.js';

/** How the server reached the cluster, for messages: never a token. */
export interface ApiTarget {
  server: string;
  context: string | undefined;
}

interface StatusBody {
  kind?: string;
  reason?: string;
  message?: string;
  code?: number;
}

function statusOf(body: unknown): StatusBody | undefined {
  if (body && typeof body === 'object') return body as StatusBody;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      const parsed = JSON.parse(String(body)) as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as StatusBody) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A `kind: Status` message is the API server's, with names in it; it is kept short and to one line. */
function oneLine(text: string | undefined): string {
  const line = (text ?? '').replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** A tool error that keeps the HTTP status, so a caller can treat a missing permission on an optional resource apart. */
export class KubeApiError extends ToolInputError {
  constructor(
    message: string,
    hint: string | undefined,
    readonly status: number | undefined,
  ) {
    super(message, hint);
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * Turns an official-client failure into a tool error with a hint: unreachable API server, rejected credentials (401),
 * a missing permission (403, naming the verb and resource), anything else with the API's own Status message.
 */
export function describeApiError(
  error: unknown,
  request: { verb: 'list' | 'get'; resource: ResourceName | 'namespaces'; namespace: string | undefined },
  target: ApiTarget,
): KubeApiError {
  const where = `${target.server}${target.context ? ` (context ${target.context})` : ''}`;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') {
    const status = statusOf((error as { body?: unknown }).body);
    const info = request.resource === 'namespaces' ? { group: '', plural: 'namespaces' } : RESOURCES[request.resource];
    const what = `${request.verb} ${info.group ? `${info.plural}.${info.group}` : info.plural}${request.namespace ? ` in namespace ${request.namespace}` : ' (cluster-wide)'}`;
    if (code === 401)
      return new KubeApiError(
        `the Kubernetes API server ${where} rejected the credentials (401 Unauthorized): the token has expired or is not valid`,
        'refresh the kubeconfig credentials (e.g. the cloud CLI get-credentials command, or a new service-account token) and restart the server',
        code,
      );
    if (code === 403)
      return new KubeApiError(
        `permission missing: the credentials may not ${what} (403 Forbidden${status?.message ? `: ${oneLine(status.message)}` : ''})`,
        `grant "${request.verb}" on ${info.plural}${info.group ? ` (apiGroup ${info.group})` : ' (core apiGroup "")'} in the server's Role/ClusterRole (docs/kubernetes.md), or set KUBE_NAMESPACES to the namespaces it may read`,
        code,
      );
    if (code === 404 && request.resource === 'namespaces')
      return new KubeApiError(
        `unknown namespace ${request.namespace}`,
        'check the name (kubectl get namespaces) or leave namespace out',
        code,
      );
    return new KubeApiError(
      `the Kubernetes API answered ${code}${status?.reason ? ` ${status.reason}` : ''} to ${what}${status?.message ? `: ${oneLine(status.message)}` : ''}`,
      'try again later, or narrow the namespace',
      code,
    );
  }
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const network = typeof code === 'string' ? code : typeof cause?.code === 'string' ? cause.code : undefined;
  if ((network && NETWORK_CODES.has(network)) || (error as { type?: unknown }).type === 'system') {
    return new KubeApiError(
      `cannot reach the Kubernetes API server ${where}: ${network ?? oneLine((error as Error).message)}`,
      'check that the cluster is up and reachable from this host (VPN, firewall) and that KUBECONFIG/KUBE_CONTEXT point at it',
      undefined,
    );
  }
  return new KubeApiError(
    `the Kubernetes API call ${request.verb} ${request.resource} failed: ${oneLine((error as Error).message)}`,
    undefined,
    undefined,
  );
}
