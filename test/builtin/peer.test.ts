import { describe, expect, test } from 'vitest';
import { PEER_KEYS, peerOf } from '../../src/engines/builtin/cascade.js';
import { anomaly, at } from './support/scenarios.js';

describe('the called side of an edge metric', () => {
  test.each([
    ['upstream', 'ledger:8080', 'ledger'],
    ['callee', 'ledger', 'ledger'],
    ['destination_workload', 'ledger-v2', 'ledger-v2'],
    ['destination_service_name', 'ledger', 'ledger'],
    ['peer.service', 'ledger', 'ledger'],
    ['net_peer_name', 'ledger:5432', 'ledger'],
  ])('%s names the service called', (key, value, peer) => {
    expect(peerOf(anomaly({ metric: 'calls_total', onset: at(10), tags: { source_workload: 'web', [key]: value } }))).toBe(peer);
  });

  test('the calling side alone (source_workload, client, caller) names no peer', () => {
    for (const key of ['source_workload', 'client', 'caller']) {
      expect(PEER_KEYS).not.toContain(key);
      expect(peerOf(anomaly({ metric: 'calls_total', onset: at(10), tags: { [key]: 'web' } }))).toBeUndefined();
    }
  });
});
