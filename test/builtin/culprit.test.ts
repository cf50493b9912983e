import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CommitOut } from '../../mcp-servers/git/schemas.js';
import type { ScoredChange } from '../../src/engines/builtin/changes.js';
import { causeCommit, isMitigation } from '../../src/engines/builtin/culprit.js';
import { createBuiltinEngine } from '../../src/engines/builtin/index.js';
import { datasetHost } from '../../src/eval/servers.js';
import { novelSymptom, scoredDeployment } from './support/correlator-fixtures.js';

function commit(sha: string, message: string, files: string[]): CommitOut {
  return { sha, shortSha: sha.slice(0, 7), author: 'a', date: '2031-01-01T00:00:00Z', message, files, service: 'orders' };
}

function release(commits: CommitOut[], shared: string[]): ScoredChange {
  const entry = scoredDeployment('rel-9', 'orders', '2031-01-01T00:10:00Z', '', 0.5);
  return { ...entry, change: { ...entry.change, commits }, shared };
}

const poolTimeout = novelSymptom('HikariPool-<n> - Connection is not available, request timed out after <duration>.', ['orders']);
const withTrace = {
  ...poolTimeout,
  trace:
    'at com.acme.orders.OrderPlacer$$EnhancerBySpring$$1.placeOrder(<generated>)\nat com.acme.web.OrderController.post(OrderController.java:40)',
};
const raisePool = commit('a'.repeat(40), 'HOTFIX: raise DB pool from 30 to 35 for the promo', ['orders/config/application-prod.yaml']);
const perItem = commit('b'.repeat(40), 'feat: check stock per line item before placing the order', [
  'orders/src/main/java/com/acme/orders/OrderPlacer.java',
  'orders/src/main/java/com/acme/stock/StockClient.java',
]);
const bump = commit('c'.repeat(40), 'chore(deps): bump logback from 1.4.14 to 1.5.3', ['orders/pom.xml']);

describe('the commit of a release that can produce the symptom', () => {
  test('a commit raising the limit the symptoms exhaust is a mitigation; a lowering, or another resource, is not', () => {
    const symptomWords = new Set(['~pool', 'pool', 'connection']);
    expect(isMitigation(raisePool, symptomWords)).toBe(true);
    expect(isMitigation(commit('d'.repeat(40), 'increase connection pool size', []), symptomWords)).toBe(true);
    expect(isMitigation(commit('e'.repeat(40), 'pool size 35 -> 30', []), symptomWords)).toBe(false);
    expect(isMitigation(commit('f'.repeat(40), 'raise heap to 2g', []), symptomWords)).toBe(false);
    expect(isMitigation(bump, symptomWords)).toBe(false);
  });

  test('the commit whose code the errors ran through leads, not the pool-size hotfix that shares more words', () => {
    const entry = release([raisePool, bump, perItem], ['~pool', 'pool', 'order', 'place']);
    const choice = causeCommit(entry, [withTrace]);
    expect(choice?.commit.sha).toBe(perItem.sha);
    expect(choice?.code).toEqual(expect.arrayContaining(['OrderPlacer']));
  });

  test('without a code path the mitigation is still passed over for a commit that shares words', () => {
    const entry = release([raisePool, perItem], ['~pool', 'pool', 'order', 'place']);
    expect(causeCommit(entry, [poolTimeout])?.commit.sha).toBe(perItem.sha);
    // Once the hotfix is no mitigation (a different resource is short) its words win again.
    const heap = release([raisePool, perItem], ['pool', 'order']);
    expect(causeCommit(heap, [poolTimeout])?.commit.sha).toBe(raisePool.sha);
  });

  test('a single commit is no choice', () => {
    expect(causeCommit(release([perItem], []), [withTrace])).toBeUndefined();
  });

  test('the bundled checkout sample cites the per-item stock check, calling the pool-size hotfix a mitigation', async () => {
    const host = await datasetHost(path.resolve('data/checkout-outage'));
    try {
      const report = await createBuiltinEngine(host).analyze({
        incident: 'Checkout is failing for a lot of users since ~14:45 UTC, customers see 5xx on /api/checkout',
        since: '6h',
      });
      expect(report.suspect?.id).toBe('dep-1340');
      expect(report.summary).toContain('verify stock for every line item');
      expect(report.rootCause).toContain('the one matching the symptoms is 451e51f');
      expect(report.rootCause).toContain('f26dbb2 raises the limit the symptoms exhaust: a mitigation, not the cause');
      expect(report.recommendations.join('\n')).toContain('revert 451e51f');
    } finally {
      await host.close();
    }
  });
});
