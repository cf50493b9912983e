import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ApiBackend } from '../../mcp-servers/kubernetes/backends/api.js';
import { DatasetBackend } from '../../mcp-servers/kubernetes/backends/dataset.js';
import type { KubeBackend } from '../../mcp-servers/kubernetes/backends/types.js';
import { createServer } from '../../mcp-servers/kubernetes/server.js';
import { type FakeKube, type FakeKubeOptions, startFakeKube } from '../fakes/kubernetes/server.js';
import { type Connected, connectInProcess } from '../support/in-process.js';

export const FIXTURE_DIR = path.resolve('test/fixtures/kubernetes-dataset');
/** The fixture's Secret value (plain and base64): it must never reach any answer. */
export const SECRET_VALUES = ['s3cr3t-VALUE', 'czNjcjN0LVZBTFVF'];
/** The fixture's "now" is 12:00; this window holds its incident. */
export const WINDOW = { since: '2026-03-10T06:00:00Z', until: '2026-03-10T12:00:00Z' };

export function connect(backend: KubeBackend | undefined, namespaces?: string[]): Promise<Connected> {
  return connectInProcess(
    backend
      ? createServer({ backend, ...(namespaces ? { namespaces } : {}) })
      : createServer({ config: { backend: 'none', reason: 'no Kubernetes configured: set KUBECONFIG' } }),
    'kubernetes-test',
  );
}

export function datasetBackend(dataDir = FIXTURE_DIR): DatasetBackend {
  return new DatasetBackend(dataDir);
}

/** The fake API server over the fixture, with a kubeconfig for it and the official client's backend. */
export async function fakeCluster(
  options: Partial<FakeKubeOptions> & { token?: string; pageSize?: number; maxPages?: number; timeoutMs?: number } = {},
): Promise<{ fake: FakeKube; backend: ApiBackend; kubeconfig: string }> {
  const fake = await startFakeKube({ dataDir: FIXTURE_DIR, ...options });
  const kubeconfig = fake.writeKubeconfig(path.join(mkdtempSync(path.join(os.tmpdir(), 'kube-')), 'config'), options.token);
  const backend = ApiBackend.fromConfig(
    { backend: 'api', kubeconfig, inCluster: false, timeoutMs: options.timeoutMs ?? 5_000 },
    { ...(options.pageSize ? { pageSize: options.pageSize } : {}), ...(options.maxPages ? { maxPages: options.maxPages } : {}) },
  );
  return { fake, backend, kubeconfig };
}

export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

export function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

// biome-ignore lint/suspicious/noExplicitAny: tests read structuredContent loosely and assert on its shape
export function structured(result: CallToolResult): any {
  if (result.isError) throw new Error(`tool failed: ${text(result)}`);
  return result.structuredContent;
}

export const TOOLS = ['get_config_changes', 'get_events', 'get_node_health', 'get_rollouts', 'get_workload_health'] as const;
