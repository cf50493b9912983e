import { describe, expect, test } from 'vitest';
import { createBuiltinEngine } from '../../src/engines/builtin/index.js';
import { FakeHost, type Scenario } from './support/fake-host.js';
import { anomaly, at, deployment, logs } from './support/scenarios.js';

/**
 * A metric onset is the start of its bucket (here 11:00); the orders release went out 6 minutes into it (11:06). When
 * the first new error comes within 10 minutes of the bucket's start, it dates the onset and the release precedes it;
 * later than that, the error is no finer reading of that onset and the release stays after it: a change after the
 * onset scores below the naming bar, so nothing is named.
 */
function scenario(firstErrorMinutesAgo: number): Scenario {
  return {
    now: at(0),
    services: ['orders', 'billing'],
    anomalies: [anomaly({ metric: 'error_rate', service: 'orders', tags: { service: 'orders' }, onset: at(60), unit: '%' })],
    logs: logs('orders', 'order submission rejected by validator: schema mismatch', firstErrorMinutesAgo, 1),
    deployments: [deployment('rel-31', 54, 'orders', [], 'orders: new order schema validator')],
    commits: [],
  };
}

async function analyse(firstErrorMinutesAgo: number) {
  return createBuiltinEngine(new FakeHost(scenario(firstErrorMinutesAgo))).analyze({ incident: 'orders failing' });
}

describe('the onset inside a metric bucket', () => {
  test('a first new error 10 minutes into the bucket dates the onset: the release made before it is the suspect', async () => {
    const report = await analyse(50);
    expect(report.summary).toContain('since 11:10 UTC');
    expect(report.suspect?.id).toBe('rel-31');
    expect(report.rootCause).toContain('4 min before the onset at 2030-03-10T11:10:00.000Z');
  });

  test('one 11 minutes in leaves the onset at the bucket start, and the release after it', async () => {
    const report = await analyse(49);
    expect(report.summary).toContain('since 11:00 UTC');
    expect(report.rootCause).not.toContain('before the onset');
    expect(report.suspect?.id).toBeUndefined();
    expect(report.rootCause).toContain('Neither a change nor a known failure class explains the symptoms');
  });
});
