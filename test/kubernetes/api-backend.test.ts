import https from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiBackend, METADATA_ONLY_ACCEPT } from '../../mcp-servers/kubernetes/backends/api.js';
import type { FakeKube } from '../fakes/kubernetes/server.js';
import type { Connected } from '../support/in-process.js';
import { call, connect, datasetBackend, fakeCluster, SECRET_VALUES, structured, TOOLS, text, WINDOW } from './helpers.js';

const open: { fake?: FakeKube; conn?: Connected }[] = [];
afterEach(async () => {
  for (const item of open.splice(0)) {
    await item.conn?.close();
    await item.fake?.close();
  }
});

async function cluster(options: Parameters<typeof fakeCluster>[0] = {}, namespaces?: string[]) {
  const made = await fakeCluster(options);
  const conn = await connect(made.backend, namespaces);
  open.push({ fake: made.fake, conn });
  return { ...made, conn };
}

/** The answer without the fields that differ by backend by design. */
function comparable(result: Awaited<ReturnType<typeof call>>): unknown {
  const { backend: _backend, ...rest } = structured(result);
  return rest;
}

const CALLS: [string, Record<string, unknown>][] = [
  ...TOOLS.map((tool): [string, Record<string, unknown>] => [tool, WINDOW]),
  ['get_rollouts', { ...WINDOW, workload: 'payments' }],
  ['get_config_changes', { ...WINDOW, service: 'checkout' }],
  ['get_events', { ...WINDOW, namespace: 'shop', type: 'all' }],
  ['get_node_health', { ...WINDOW, workload: 'checkout' }],
];

describe('kubernetes tools over the fake API server through @kubernetes/client-node', () => {
  it('give the same answers as over the dataset, for every tool', async () => {
    const { conn } = await cluster();
    const dataset = await connect(datasetBackend());
    open.push({ conn: dataset });
    for (const [tool, args] of CALLS) {
      const live = await call(conn.client, tool, args);
      expect(live.isError, `${tool}: ${text(live)}`).toBeFalsy();
      expect(comparable(live), `${tool} ${JSON.stringify(args)}`).toEqual(comparable(await call(dataset.client, tool, args)));
      expect(structured(live).backend).toBe('api');
    }
  });

  it('pages through lists with limit and continue tokens, and gives the same answer as one page', async () => {
    const paged = await cluster({ pageSize: 2 });
    const whole = await cluster();
    const answer = await call(paged.conn.client, 'get_workload_health', WINDOW);
    expect(comparable(answer)).toEqual(comparable(await call(whole.conn.client, 'get_workload_health', WINDOW)));
    const pods = paged.fake.requests.filter((r) => r.path === '/api/v1/pods');
    // 12 pods in pages of 2: six requests, the first without a token and each next one with the token it was given.
    expect(pods.length).toBe(6);
    expect(pods[0]?.query.continue).toBeUndefined();
    expect(pods.slice(1).every((r) => typeof r.query.continue === 'string' && r.query.limit === '2')).toBe(true);
  });

  it('stops at the page bound and says the listing was cut short', async () => {
    const { conn } = await cluster({ pageSize: 2, maxPages: 3 });
    const out = structured(await call(conn.client, 'get_workload_health', WINDOW));
    expect(out.note).toMatch(/listing of .*pods.* stopped at its bound/);
  });

  it('only ever sends GET requests', async () => {
    const { conn, fake } = await cluster();
    for (const tool of TOOLS) await call(conn.client, tool, WINDOW);
    expect(new Set(fake.requests.map((r) => r.method))).toEqual(new Set(['GET']));
  });
});

describe('Secret data never leaves the API server', () => {
  it('asks for Secrets as metadata only, and no secret value reaches any answer over either backend', async () => {
    const { conn, fake } = await cluster();
    const dataset = await connect(datasetBackend());
    open.push({ conn: dataset });
    for (const client of [conn.client, dataset.client]) {
      for (const [tool, args] of CALLS) {
        const result = await call(client, tool, args);
        const all = JSON.stringify(result);
        for (const value of SECRET_VALUES) expect(all, tool).not.toContain(value);
      }
    }
    const secretRequests = fake.requests.filter((r) => r.path.endsWith('/secrets'));
    expect(secretRequests.length).toBeGreaterThan(0);
    expect(secretRequests.every((r) => r.accept === METADATA_ONLY_ACCEPT)).toBe(true);
  });

  it('the fake would hand the data out to a plain list, so the test above can fail', async () => {
    const { fake } = await cluster();
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${fake.url}/api/v1/secrets`, { ca: fake.ca, headers: { authorization: 'Bearer reader-token' } }, (res) => {
          let data = '';
          res.on('data', (chunk: Buffer) => {
            data += chunk.toString();
          });
          res.on('end', () => resolve(data));
        })
        .on('error', reject);
    });
    expect(body).toContain(SECRET_VALUES[1]);
  });

  it('drops data and the last-applied annotation even when a server ignores the metadata-only request', async () => {
    const { backend } = await cluster();
    const { items } = await backend.list('secrets', 'shop');
    expect(items[0]?.metadata?.annotations).toEqual({ team: 'shop' });
    expect(JSON.stringify(items)).not.toMatch(/czNjcjN0|s3cr3t/);
  });
});

describe('cluster errors are tool errors with a hint', () => {
  it('an expired token (401)', async () => {
    const { conn } = await cluster({ tokens: ['fresh-token'], token: 'expired-token' });
    const result = await call(conn.client, 'get_rollouts', WINDOW);
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('rejected the credentials (401 Unauthorized)');
    expect(text(result)).toContain('Hint: refresh the kubeconfig credentials');
    expect(text(result)).not.toContain('expired-token');
  });

  it('a namespace the role cannot list (403) names the verb, resource and namespace', async () => {
    const { conn } = await cluster({ rbac: { namespaces: ['shop'], clusterWide: false } }, undefined);
    const result = await call(conn.client, 'get_workload_health', { ...WINDOW, namespace: 'ops' });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(
      /permission missing: the credentials may not list (deployments\.apps|statefulsets\.apps|daemonsets\.apps|pods|replicasets\.apps) in namespace ops \(403 Forbidden: .* cannot list resource/,
    );
    expect(text(result)).toMatch(/Hint: grant "list" on \w+/);
  });

  it('a cluster-wide list without a ClusterRole says so and points at KUBE_NAMESPACES; with it set the call works', async () => {
    const denied = await cluster({ rbac: { namespaces: ['shop'], clusterWide: false } });
    const result = await call(denied.conn.client, 'get_rollouts', WINDOW);
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('(cluster-wide)');
    expect(text(result)).toContain('KUBE_NAMESPACES');
    const allowed = await cluster({ rbac: { namespaces: ['shop'], clusterWide: false } }, ['shop']);
    const ok = structured(await call(allowed.conn.client, 'get_rollouts', WINDOW));
    expect(ok.rollouts.length).toBe(5);
  });

  it('a denied resource names it and its API group', async () => {
    const { conn } = await cluster({ rbac: { deniedResources: ['horizontalpodautoscalers'] } });
    const result = await call(conn.client, 'get_config_changes', WINDOW);
    expect(text(result)).toContain('may not list horizontalpodautoscalers.autoscaling (cluster-wide)');
    expect(text(result)).toContain('(apiGroup autoscaling)');
  });

  it('Secrets the role may not list leave only the Secret edits out, and the note says which permission is missing', async () => {
    const { conn } = await cluster({ rbac: { deniedResources: ['secrets'] } });
    const result = await call(conn.client, 'get_config_changes', WINDOW);
    expect(result.isError).toBeFalsy();
    const out = structured(result);
    expect(out.changes.map((c: { kind: string }) => c.kind)).not.toContain('Secret');
    expect(out.changes.map((c: { kind: string }) => c.kind)).toContain('ConfigMap');
    expect(out.note).toContain('secrets left out: permission missing: the credentials may not list secrets (cluster-wide)');
    expect(text(result)).toContain('Note: secrets left out');
  });

  it('without events.k8s.io the core/v1 events still answer, and the note says what was left out', async () => {
    const { conn, fake } = await cluster({ rbac: { deniedResources: ['events'] } });
    // The fake denies the plural in both groups; core events are needed, so that is an error naming core events.
    const both = await call(conn.client, 'get_events', WINDOW);
    expect(text(both)).toContain('may not list events (cluster-wide)');
    await fake.close();
    const onlyV1 = await cluster({ rbac: { deniedResources: ['events.events.k8s.io'] } });
    const out = structured(await call(onlyV1.conn.client, 'get_events', WINDOW));
    expect(out.groups[0]).toMatchObject({ reason: 'BackOff', count: 9 });
    expect(out.note).toContain('eventsV1 left out: permission missing: the credentials may not list events.events.k8s.io');
  });

  it('an unknown namespace (404 from the namespace read); without permission to read namespaces the check is skipped', async () => {
    const { conn } = await cluster();
    const result = await call(conn.client, 'get_events', { ...WINDOW, namespace: 'nope' });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('unknown namespace nope');
    const blind = await cluster({ rbac: { canReadNamespaces: false } });
    const empty = structured(await call(blind.conn.client, 'get_events', { ...WINDOW, namespace: 'nope' }));
    expect(empty.groups).toEqual([]);
  });

  it('an API server slower than KUBE_TIMEOUT_MS', async () => {
    const { conn } = await cluster({ delayMs: 2_000, timeoutMs: 200 });
    const result = await call(conn.client, 'get_node_health', WINDOW);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/did not answer list \w+ within 200 ms/);
    expect(text(result)).toContain('raise KUBE_TIMEOUT_MS');
  });

  it('an unreachable cluster', async () => {
    const { fake, kubeconfig } = await fakeCluster();
    await fake.close();
    const backend = ApiBackend.fromConfig({ backend: 'api', kubeconfig, inCluster: false, timeoutMs: 5_000 });
    const conn = await connect(backend);
    open.push({ conn });
    const result = await call(conn.client, 'get_node_health', WINDOW);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/cannot reach the Kubernetes API server https:\/\/127\.0\.0\.1:\d+ \(context fake\): ECONNREFUSED/);
    expect(text(result)).toContain('Hint: check that the cluster is up');
  });

  it('a KUBE_CONTEXT that the kubeconfig lacks is a configuration error naming the contexts', async () => {
    const { fake, kubeconfig } = await fakeCluster();
    open.push({ fake });
    expect(() => ApiBackend.fromConfig({ backend: 'api', kubeconfig, context: 'prod', inCluster: false, timeoutMs: 1_000 })).toThrow(
      'KUBE_CONTEXT prod is not in the kubeconfig; its contexts: fake',
    );
  });
});
