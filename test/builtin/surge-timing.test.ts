import { describe, expect, test } from 'vitest';
import { matchClasses } from '../../src/engines/builtin/classes.js';
import { anomaly, at } from './support/scenarios.js';

describe('a timer is not traffic', () => {
  test("a timer's percentile series rising is latency, not a traffic surge", () => {
    const keys = matchClasses([], [{ value: anomaly({ metric: 'http_server_requests_seconds_p99', onset: at(10) }), callId: 'T3' }]).map(
      (match) => match.cls.key,
    );
    expect(keys).not.toContain('surge');
  });

  test("the same timer's _count is a request count: its rise can be a surge", () => {
    const [top] = matchClasses([], [{ value: anomaly({ metric: 'http_server_requests_seconds_count', onset: at(10) }), callId: 'T3' }]);
    expect(top?.cls.key).toBe('surge');
  });
});
