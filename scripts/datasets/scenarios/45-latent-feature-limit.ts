import { chronicError, healthChecks } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { DAY, MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * Written from Cloudflare's public postmortem of the 18 November 2025 outage: a database permission change made the
 * bot-management feature file list every feature twice; the proxy preallocated room for 200 features and panicked on
 * the larger file. Here, at a different company: edge-proxy v3.14.0, shipped 24 days earlier, preallocates 200 bot
 * features and panics beyond them (a Go panic naming internal/botscore/features.go). Today at 11:05 a grants change
 * of the analytics warehouse (warehouse-grants v2026.03.09) lets the feature builder read a replica schema too, so
 * its next file carries about 410 features; edge-proxy panics on every request from 11:10. edge-proxy's own release
 * v3.16.2 at 10:30 (SNI logging) is the nearest deploy of the failing service and innocent. Mixed formats: plain text
 * with a Go panic trace, JSON from the builder, syslog from the warehouse.
 */
export function latentFeatureLimit(): ScenarioOutput {
  const place = evalPlacement('45-latent-feature-limit');
  const w = new World({
    name: 'latent-feature-limit',
    description: 'A weeks-old hard limit in the proxy meets a doubled feature file after a grants change.',
    seed: '45-latent-feature-limit',
    date: '2026-03-09',
    start: '07:00',
    now: '11:40',
    deploymentIds: { kind: 'seq', prefix: 'ep-', first: 4410, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const grants = at('11:05');
  const onset = at('11:10');

  const proxy = w.service(app('edge-proxy', 'go', 'plain', { version: 'v3.16.1', rps: 2400, p95: 18, accessPerMin: 3 }));
  const builder = w.logSource('feature-builder', 'json');
  const warehouse = w.logSource('warehouse', 'syslog');
  bystander(w, 'origin-cache', 'go', 'cri', 'v9.2.0');
  bystander(w, 'dashboard-api', 'node', 'pino', 'v5.4.1');
  bystander(w, 'billing-export', 'python', 'json', 'v2.8.0');

  proxy.errors.level(onset, 38, { ramp: 2, jitter: 0.05 });
  proxy.failuresLookLike(onset, [500], ['/v1/edge/{id}']);
  proxy.latency.level(onset, 22, { ramp: 2 });

  w.history();
  const limit = w.git.commit({
    at: onset - 24 * DAY - 3 * 60 * MINUTE,
    service: 'edge-proxy',
    author: 'Lena Hoffmann',
    message: 'perf(botscore): preallocate the feature buffer for the new scoring module',
    files: ['edge-proxy/internal/botscore/features.go', 'edge-proxy/internal/botscore/features_test.go'],
  });
  const defect = w.deploy({
    at: onset - 24 * DAY,
    service: 'edge-proxy',
    version: 'v3.14.0',
    commits: [limit],
    by: 'spinnaker',
    description: 'edge-proxy 3.14.0',
  });
  const sni = w.git.commit({
    at: at('09:50'),
    service: 'edge-proxy',
    message: 'fix(tls): log SNI mismatches at debug instead of error',
    files: ['edge-proxy/internal/tls/sni.go'],
  });
  const herring = w.deploy({ at: at('10:30'), service: 'edge-proxy', version: 'v3.16.2', commits: [sni], by: 'spinnaker' });
  const grant = w.git.commit({
    at: at('10:40'),
    service: 'warehouse-grants',
    message: 'grants: let the ingest role read the r0 replica schema for distributed queries',
    files: ['warehouse-grants/roles/ingest.sql'],
  });
  const trigger = w.deploy({
    at: grants,
    service: 'warehouse-grants',
    version: 'v2026.03.09',
    commits: [grant],
    by: 'atlantis',
    description: grant.message,
  });

  // The builder publishes a file every five minutes; after the grants change each feature comes twice.
  builder.cron(5, 0, (r, t) => ({
    level: 'info',
    msg: 'feature file published',
    fields: { features: t >= grants ? r.int(408, 414) : r.int(196, 199), bytes: t >= grants ? r.int(81000, 83000) : r.int(39000, 40000) },
  }));
  warehouse.log(grants, { level: 'info', msg: 'GRANT SELECT ON r0.* TO ingest applied by atlantis' });
  proxy.every(onset, w.now, 40, (r) => ({
    level: 'error',
    msg: 'panic serving request: botscore: feature file has 412 features, limit is 200',
    fields: { path: `/v1/edge/${r.int(1000, 9999)}`, status: 500 },
    stack: [
      `goroutine ${r.int(1000, 9999)} [running]:`,
      'edge-proxy/internal/botscore.(*Loader).Load(0xc000a1c000, {0xc001f2e000, 0x1e240, 0x20000})',
      '\t/src/edge-proxy/internal/botscore/features.go:88 +0x1d4',
      'edge-proxy/internal/proxy.(*Handler).scoreRequest(0xc0001b2000, 0xc000d3e300)',
      '\t/src/edge-proxy/internal/proxy/handler.go:212 +0x9c',
      'net/http.HandlerFunc.ServeHTTP(0xc000120a80, {0x7f3c2a1d8e08, 0xc000f1c1c0}, 0xc000d3e300)',
      '\t/usr/local/go/src/net/http/server.go:2166 +0x29',
    ],
  }));
  healthChecks(proxy, 2);
  chronicError(proxy, 1, (r) => ({
    level: 'warn',
    msg: 'upstream connection reset, retrying',
    fields: { upstream: `origin-${r.int(1, 4)}`, attempt: 1 },
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title:
        'Proxy panics on a doubled feature file: a weeks-old limit, triggered by a warehouse grants change (after Cloudflare, 2025-11-18)',
      incident: 'Most edge requests return 500 since about 11:10. We shipped edge-proxy 3.16.2 this morning, roll it back?',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [defect.id, defect.version, limit.sha], service: ['edge-proxy'] },
        rootCauseKeywords: ['r0 replica', trigger.id],
        mustNot: { suspectIds: [herring.id, herring.version, sni.sha] },
      },
    },
  };
}
