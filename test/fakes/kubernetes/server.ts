import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A loopback Kubernetes API server written from the API reference (API concepts: list chunking with `limit` and
 * `continue`, ListMeta.resourceVersion, metadata-only lists via `Accept: …;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`,
 * `kind: Status` failures with reason and code; RBAC's 403 Forbidden wording). It serves the objects of a dataset's
 * `kubernetes/*.json` Lists, read-only: every other verb is 405. core/v1 and events.k8s.io/v1 events are one store
 * seen through both APIs, as in a real cluster.
 */

interface Route {
  kind: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

/** Where each kind lives in the API (group/version/plural), from the API reference. */
const ROUTES: Route[] = [
  { kind: 'Deployment', group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  { kind: 'ReplicaSet', group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true },
  { kind: 'StatefulSet', group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true },
  { kind: 'DaemonSet', group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true },
  { kind: 'ControllerRevision', group: 'apps', version: 'v1', plural: 'controllerrevisions', namespaced: true },
  { kind: 'Pod', group: '', version: 'v1', plural: 'pods', namespaced: true },
  { kind: 'Event', group: '', version: 'v1', plural: 'events', namespaced: true },
  { kind: 'Event', group: 'events.k8s.io', version: 'v1', plural: 'events', namespaced: true },
  { kind: 'ConfigMap', group: '', version: 'v1', plural: 'configmaps', namespaced: true },
  { kind: 'Secret', group: '', version: 'v1', plural: 'secrets', namespaced: true },
  { kind: 'HorizontalPodAutoscaler', group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers', namespaced: true },
  { kind: 'Node', group: '', version: 'v1', plural: 'nodes', namespaced: false },
  { kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces', namespaced: false },
];

const METADATA_LIST = 'as=PartialObjectMetadataList';

type Obj = Record<string, unknown> & { metadata?: { name?: string; namespace?: string; uid?: string } & Record<string, unknown> };

export interface FakeKubeOptions {
  /** The dataset folder holding kubernetes/*.json. */
  dataDir: string;
  /** Bearer tokens the server accepts; any other (an expired one) is 401. Default: ['reader-token']. */
  tokens?: string[];
  /**
   * What the role may list: every resource in these namespaces (undefined: all), and whether it may list across the
   * whole cluster (a ClusterRole) — default true. Nodes need clusterWide.
   */
  /** deniedResources: plurals (denied in every group) or plural.group (denied in that group only). */
  rbac?: { namespaces?: string[]; clusterWide?: boolean; deniedResources?: string[]; canReadNamespaces?: boolean };
  /** Every answer waits this long (an overloaded API server). */
  delayMs?: number;
}

export interface FakeKube {
  url: string;
  /** PEM of the CA that signed the serving certificate. */
  ca: string;
  /** Every request: method, path, query and the Accept header. */
  requests: { method: string; path: string; query: Record<string, string>; accept: string | undefined }[];
  /** A kubeconfig file for the official client, with `token` as the user's bearer token. */
  writeKubeconfig(file: string, token?: string, context?: string): string;
  close(): Promise<void>;
}

export const SERVICE_ACCOUNT = 'system:serviceaccount:incidentpilot:reader';

function status(code: number, reason: string, message: string, details?: Record<string, unknown>) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** events.k8s.io/v1 ↔ core/v1: the same event in the other API's field names. */
function coreToEventsV1(event: Obj): Obj {
  const e = event as Record<string, unknown>;
  const source = e.source as { component?: string } | undefined;
  return {
    metadata: event.metadata,
    regarding: e.involvedObject,
    reason: e.reason,
    note: e.message,
    type: e.type,
    eventTime: e.eventTime ?? null,
    deprecatedCount: e.count,
    deprecatedFirstTimestamp: e.firstTimestamp,
    deprecatedLastTimestamp: e.lastTimestamp,
    ...(e.series ? { series: e.series } : {}),
    ...(source?.component ? { reportingController: source.component, deprecatedSource: source } : {}),
  };
}

function eventsV1ToCore(event: Obj): Obj {
  const e = event as Record<string, unknown>;
  return {
    metadata: event.metadata,
    involvedObject: e.regarding,
    reason: e.reason,
    message: e.note,
    type: e.type,
    eventTime: e.eventTime,
    count: e.deprecatedCount,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    ...(e.series ? { series: e.series } : {}),
    ...(e.reportingController ? { reportingComponent: e.reportingController } : {}),
  };
}

function load(dataDir: string): Map<string, Obj[]> {
  const folder = path.join(dataDir, 'kubernetes');
  const store = new Map<string, Obj[]>();
  const add = (key: string, item: Obj) => store.set(key, [...(store.get(key) ?? []), item]);
  for (const file of readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const list = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as { items: Obj[] };
    for (const item of list.items) {
      const apiVersion = String(item.apiVersion ?? '');
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
      const { apiVersion: _v, kind: _k, ...body } = item;
      if (item.kind === 'Event') {
        // One store, two APIs.
        const core = group === '' ? body : eventsV1ToCore(body as Obj);
        const v1 = group === '' ? coreToEventsV1(body as Obj) : body;
        add('/events', core as Obj);
        add('events.k8s.io/events', v1 as Obj);
        continue;
      }
      const route = ROUTES.find((r) => r.kind === item.kind && (r.group === group || r.kind === 'HorizontalPodAutoscaler'));
      if (route) add(`${route.group}/${route.plural}`, body as Obj);
    }
  }
  // Namespaces: those the objects live in, as a cluster would have them.
  const names = new Set<string>();
  for (const items of store.values()) for (const item of items) if (item.metadata?.namespace) names.add(item.metadata.namespace);
  store.set(
    '/namespaces',
    [...names].map((name) => ({ metadata: { name }, status: { phase: 'Active' } })),
  );
  for (const items of store.values())
    items.sort((a, b) =>
      `${a.metadata?.namespace ?? ''}/${a.metadata?.name}`.localeCompare(`${b.metadata?.namespace ?? ''}/${b.metadata?.name}`),
    );
  return store;
}

/** The path's parts: /api/v1[/namespaces/ns]/plural[/name] or /apis/group/version[/namespaces/ns]/plural[/name]. */
function parsePath(pathname: string): { route: Route; namespace?: string; name?: string } | undefined {
  const all = pathname.split('/').filter(Boolean);
  const core = all[0] === 'api';
  if (!core && all[0] !== 'apis') return undefined;
  const group = core ? '' : (all[1] ?? '');
  const version = core ? all[1] : all[2];
  const parts = all.slice(core ? 2 : 3);
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length >= 3) {
    namespace = parts[1];
    parts.splice(0, 2);
  }
  const [plural, name, extra] = parts;
  if (extra !== undefined) return undefined;
  const route = ROUTES.find((r) => r.group === group && r.version === version && r.plural === plural);
  if (!route || (namespace !== undefined && !route.namespaced)) return undefined;
  return { route, ...(namespace !== undefined ? { namespace } : {}), ...(name !== undefined ? { name } : {}) };
}

/**
 * A serving certificate for 127.0.0.1 that is its own CA, made once per process with openssl: the official client
 * refuses plain HTTP, and a kubeconfig's certificate-authority-data is how a real cluster is trusted.
 */
let tlsCache: { key: string; cert: string } | undefined;
function servingCertificate(): { key: string; cert: string } {
  if (tlsCache) return tlsCache;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-kube-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=fake-kube-apiserver',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ],
    { stdio: 'ignore', timeout: 30_000 },
  );
  tlsCache = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  return tlsCache;
}

export async function startFakeKube(options: FakeKubeOptions): Promise<FakeKube> {
  const store = load(options.dataDir);
  const tokens = new Set(options.tokens ?? ['reader-token']);
  const rbac = options.rbac ?? {};
  // The store never changes, so one resourceVersion names it; continue tokens carry it and the next offset.
  const resourceVersion = '48213';
  const requests: FakeKube['requests'] = [];

  const tls = servingCertificate();
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const accept = req.headers.accept;
    requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), accept });
    const send = (code: number, body: unknown, contentType = 'application/json') => {
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(code, { 'content-type': contentType });
        res.end(JSON.stringify(body));
      };
      if (options.delayMs) setTimeout(answer, options.delayMs);
      else answer();
    };
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !tokens.has(auth.slice(7))) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    const target = parsePath(url.pathname);
    if (!target) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const { route, namespace, name } = target;
    const resource = route.group ? `${route.plural}.${route.group}` : route.plural;
    if (req.method !== 'GET')
      return send(
        405,
        status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`, { kind: route.plural }),
      );

    const verb = name !== undefined ? 'get' : 'list';
    const scope = namespace !== undefined ? `in the namespace "${namespace}"` : 'at the cluster scope';
    const allowedHere =
      !(rbac.deniedResources ?? []).some((denied) => denied === route.plural || denied === resource) &&
      (route.plural === 'namespaces'
        ? rbac.canReadNamespaces !== false
        : namespace !== undefined
          ? rbac.namespaces === undefined || rbac.namespaces.includes(namespace)
          : rbac.clusterWide !== false);
    if (!allowedHere) {
      return send(
        403,
        status(
          403,
          'Forbidden',
          `${resource} is forbidden: User "${SERVICE_ACCOUNT}" cannot ${verb} resource "${route.plural}" in API group "${route.group}" ${scope}`,
          {
            ...(name !== undefined ? { name } : {}),
            ...(route.group ? { group: route.group } : {}),
            kind: route.plural,
          },
        ),
      );
    }

    const all = store.get(`${route.group}/${route.plural}`) ?? [];
    if (name !== undefined) {
      const found = all.find((item) => item.metadata?.name === name && (namespace === undefined || item.metadata?.namespace === namespace));
      if (!found) return send(404, status(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: route.plural }));
      return send(200, { kind: route.kind, apiVersion: route.group ? `${route.group}/${route.version}` : route.version, ...found });
    }

    const items = namespace === undefined ? all : all.filter((item) => item.metadata?.namespace === namespace);
    let start = 0;
    const token = url.searchParams.get('continue');
    if (token) {
      let decoded: { rv?: string; start?: number; path?: string } = {};
      try {
        decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as typeof decoded;
      } catch {
        decoded = {};
      }
      if (decoded.path !== url.pathname || typeof decoded.start !== 'number')
        return send(
          400,
          status(400, 'BadRequest', 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'),
        );
      start = decoded.start;
    }
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const end = limit > 0 ? Math.min(items.length, start + limit) : items.length;
    const page = items.slice(start, end);
    const more = end < items.length;
    const listMeta = {
      resourceVersion,
      ...(more
        ? {
            continue: Buffer.from(JSON.stringify({ rv: resourceVersion, start: end, path: url.pathname })).toString('base64'),
            remainingItemCount: items.length - end,
          }
        : {}),
    };
    if (accept?.includes(METADATA_LIST)) {
      return send(
        200,
        {
          kind: 'PartialObjectMetadataList',
          apiVersion: 'meta.k8s.io/v1',
          metadata: listMeta,
          items: page.map((item) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: item.metadata })),
        },
        'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
      );
    }
    send(200, {
      kind: `${route.kind}List`,
      apiVersion: route.group ? `${route.group}/${route.version}` : route.version,
      metadata: listMeta,
      items: page,
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    ca: tls.cert,
    requests,
    writeKubeconfig(file, token = [...tokens][0] ?? 'reader-token', context = 'fake') {
      // JSON is YAML, which is what the client's loader reads.
      const config = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'fake-cluster', cluster: { server: url, 'certificate-authority-data': Buffer.from(tls.cert).toString('base64') } },
        ],
        users: [{ name: 'reader', user: { token } }],
        contexts: [{ name: context, context: { cluster: 'fake-cluster', user: 'reader' } }],
        'current-context': context,
      };
      writeFileSync(file, JSON.stringify(config, null, 2));
      return file;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
