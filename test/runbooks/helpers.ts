import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll } from 'vitest';
import { createServer, type RunbooksServerOptions } from '../../mcp-servers/runbooks/server.js';
import { type Connected, connectInProcess } from '../support/in-process.js';

export type { Connected };

export function connect(options: RunbooksServerOptions): Promise<Connected> {
  return connectInProcess(createServer(options), 'runbooks-test');
}

export interface CallResult {
  text: string;
  isError: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: tests read structured content loosely and assert on it.
  structured: any;
}

export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallResult> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text?: string }[];
  return { text: content.map((c) => c.text ?? '').join('\n'), isError: result.isError === true, structured: result.structuredContent };
}

const created: string[] = [];

afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A scratch runbooks folder holding `files` (relative path → Markdown). */
export function runbooksDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ip-runbooks-'));
  created.push(dir);
  writeRunbooks(dir, files);
  return dir;
}

export function writeRunbooks(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
}

export const POOL = `---
title: Checkout database connection pool exhausted
services: [checkout-api]
alerts: [CheckoutDbPoolExhausted]
tags: [database, postgres]
---
# Checkout DB pool

## Symptoms

Requests fail with "timeout acquiring connection from pool"; hikaricp_connections_pending climbs.

## Mitigation

1. Check the pool: \`kubectl exec deploy/checkout-api -- curl -s localhost:8081/metrics | grep hikaricp\`.
2. If a release shrank the pool or added a long query, roll it back.
3. Raise \`DB_POOL_MAX\` to 40 only if PostgreSQL has connections to spare.
`;

export const LATENCY = `# Checkout latency from the payment provider

Service: checkout-api

## Mitigation

- Check the provider status page.
- Switch \`PAYMENTS_PROVIDER\` to the secondary.
`;

export const ORDERS_POOL = `---
services: [orders-api]
---
# Orders database connection pool exhausted

## Mitigation

1. Restart the orders-api pods one at a time to release leaked connections.
`;
