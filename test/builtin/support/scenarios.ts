import type { CommitOut, DeploymentOut } from '../../../mcp-servers/git/schemas.js';
import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { Scenario } from './fake-host.js';

/** Synthetic incidents in made-up domains, so the tests check reasoning rather than the sample datasets. */

export const NOW = '2030-03-10T12:00:00Z';
const MINUTE = 60_000;

export function at(minutesBeforeNow: number): string {
  return new Date(Date.parse(NOW) - minutesBeforeNow * MINUTE).toISOString();
}

export function anomaly(partial: Partial<AnomalyOut> & Pick<AnomalyOut, 'metric' | 'onset'>): AnomalyOut {
  return {
    tags: {},
    service: null,
    unit: null,
    kind: 'level_shift',
    direction: 'up',
    peakAt: partial.onset,
    baseline: 1,
    peak: 20,
    ratio: 20,
    zScore: 9,
    severity: 'high',
    score: 10,
    ...partial,
  };
}

export function commit(sha: string, minutesAgo: number, service: string | null, message: string, files: string[]): CommitOut {
  return { sha, shortSha: sha.slice(0, 7), author: 'dev', date: at(minutesAgo), message, files, service };
}

export function deployment(id: string, minutesAgo: number, service: string, commits: string[], description: string | null): DeploymentOut {
  return {
    id,
    service,
    version: `v-${id}`,
    environment: 'production',
    status: 'succeeded',
    deployedAt: at(minutesAgo),
    deployedBy: 'ci',
    commits,
    description,
  };
}

/** Repeats a log line every `everyMinutes` from `fromMinutesAgo` to now. */
export function logs(service: string, message: string, fromMinutesAgo: number, everyMinutes: number): Scenario['logs'] {
  const out: Scenario['logs'] = [];
  for (let m = fromMinutesAgo; m >= 0; m -= everyMinutes) out.push({ time: at(m), service, level: 'error', message });
  return out;
}

/**
 * The ledger service runs out of database connections 60 minutes ago. The culprit deploy (90 min ago) changed its
 * connection pool; a closer deploy (70 min ago) touched an unrelated service; a third came after the onset.
 */
export function poolScenario(): Scenario {
  return {
    now: NOW,
    services: ['ledger', 'notifier', 'portal'],
    anomalies: [
      anomaly({ metric: 'http_errors_ratio', service: 'ledger', tags: { service: 'ledger' }, onset: at(60), score: 12 }),
      anomaly({ metric: 'db_pool_in_use', service: 'ledger', tags: { service: 'ledger' }, onset: at(58), score: 8 }),
    ],
    errorRates: [{ service: 'ledger', metric: 'http_errors_ratio', status: 'critical', ratio: 30, baseline: 0.01, current: 0.3 }],
    logs: [
      ...logs('ledger', 'timeout acquiring connection from pool after 5000ms', 60, 1),
      ...logs('notifier', 'smtp relay responded 421, will retry', 300, 30),
    ],
    deployments: [
      deployment('rel-7', 90, 'ledger', ['aaaa111'], 'Shrink db connection pool to save memory'),
      deployment('rel-8', 70, 'portal', ['bbbb222'], 'New landing banner'),
      deployment('rel-9', 30, 'ledger', ['cccc333'], 'Tune connection pool timeouts'),
    ],
    commits: [
      commit('aaaa1110000', 91, 'ledger', 'Lower max pool connections to 4', ['services/ledger/config/db.yaml']),
      commit('bbbb2220000', 71, 'portal', 'Landing banner copy', ['services/portal/pages/home.tsx']),
      commit('cccc3330000', 31, 'ledger', 'Raise pool acquire timeout', ['services/ledger/config/db.yaml']),
    ],
  };
}

/** The gateway cannot resolve its identity provider's hostname; the only deploy is an unrelated one close by. */
export function dnsScenario(): Scenario {
  return {
    now: NOW,
    services: ['gateway', 'reports'],
    anomalies: [anomaly({ metric: 'http_errors_ratio', service: 'gateway', tags: { service: 'gateway' }, onset: at(45), score: 15 })],
    errorRates: [{ service: 'gateway', metric: 'http_errors_ratio', status: 'critical', ratio: 40, baseline: 0.01, current: 0.4 }],
    logs: [
      ...logs('gateway', 'getaddrinfo ENOTFOUND idp.example.internal', 45, 1),
      ...logs('gateway', 'request to identity service failed, serving 502', 45, 2),
      ...logs('reports', 'slow query took 2100ms', 300, 20),
    ],
    deployments: [deployment('rel-21', 50, 'reports', ['dddd444'], 'Paginate the monthly report')],
    commits: [commit('dddd4440000', 52, 'reports', 'Paginate monthly report', ['services/reports/src/monthly.ts'])],
  };
}
