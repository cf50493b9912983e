import { chronicError, healthChecks } from '../logs/noise.js';
import { javaStack } from '../logs/stacks.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { DAY, MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * Written from Cloudflare's public postmortem of the 2017 leap second: code that weighed upstream resolvers by
 * measured round-trip time assumed time never goes backwards; at the leap second a measured duration came out
 * negative and the random pick panicked. Here: resolver-edge (Java) v5.8.0, shipped 40 days earlier, picks an upstream
 * with `Random.nextInt(totalWeight)`; at 00:00 UTC on 1 January a clock step makes a weight negative and every pick
 * throws IllegalArgumentException in UpstreamSelector.pick. No change precedes it: the trigger is a date. A release of
 * geo-lookup three hours earlier is innocent. Mixed formats: log4j with Java traces, logfmt, JSON.
 */
export function leapSecond(): ScenarioOutput {
  const place = evalPlacement('47-leap-second');
  const w = new World({
    name: 'leap-second',
    description: 'A weeks-old weighting bug in upstream selection fails when the clock steps back at midnight.',
    seed: '47-leap-second',
    date: '2016-12-31',
    start: '20:00',
    now: '00:35',
    nowDay: 1,
    deploymentIds: { kind: 'seq', prefix: 'rz-', first: 3100, width: 4 },
  });
  const onset = w.at('00:00', 1);
  const resolver = w.service(app('resolver-edge', 'java', 'log4j', { version: 'v5.8.0', rps: 5200, p95: 4 }));
  const geo = w.service(app('geo-lookup', 'go', 'logfmt', { version: 'v2.3.0', rps: 400, p95: 9 }));
  bystander(w, 'zone-api', 'python', 'json', 'v8.14.2');
  bystander(w, 'purge-worker', 'node', 'pino', 'v1.22.0');

  resolver.errors.level(onset, 14, { ramp: 2, jitter: 0.1 });
  resolver.failuresLookLike(onset, [502], ['/v1/resolver/{id}']);

  w.history();
  const weighting = w.git.commit({
    at: onset - 40 * DAY - 5 * 60 * MINUTE,
    service: 'resolver-edge',
    author: 'Tomasz Wójcik',
    message: 'feat(upstream): weight upstream choice by measured round-trip time',
    files: ['resolver-edge/src/main/java/io/resolver/upstream/UpstreamSelector.java'],
  });
  const defect = w.deploy({ at: onset - 40 * DAY, service: 'resolver-edge', version: 'v5.8.0', commits: [weighting], by: 'jenkins' });
  const geoCommit = w.git.commit({
    at: w.at('19:30'),
    service: 'geo-lookup',
    message: 'chore(geoip): refresh country database to December build',
    files: ['geo-lookup/data/country.mmdb.sha256'],
  });
  const herring = w.deploy({ at: w.at('21:00'), service: 'geo-lookup', version: 'v2.3.1', commits: [geoCommit], by: 'jenkins' });

  resolver.every(onset, w.now, 30, (r) => ({
    level: 'error',
    logger: 'io.resolver.upstream.UpstreamSelector',
    msg: `upstream selection failed for query id=${r.int(1000, 65000)}`,
    stack: javaStack(r, 'java.lang.IllegalArgumentException: bound must be positive', [
      'java.base/java.util.Random.nextInt(Random.java:557)',
      'io.resolver.upstream.UpstreamSelector.pick(UpstreamSelector.java:57)',
      'io.resolver.query.Forwarder.forward(Forwarder.java:112)',
    ]),
  }));
  healthChecks(resolver, 2);
  chronicError(geo, 1, (r) => ({
    level: 'warn',
    msg: 'lookup for private address',
    fields: { ip: `10.0.${r.int(0, 9)}.${r.int(1, 250)}` },
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title:
        'Upstream selection fails at midnight: a 40-day-old weighting change meets a clock step, no change that night (after Cloudflare, 2017 leap second)',
      incident: 'DNS answers failing with SERVFAIL for part of the traffic since midnight UTC. geo-lookup shipped tonight, is it that?',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [defect.id, defect.version, weighting.sha], service: ['resolver-edge'] },
        rootCauseKeywords: ['UpstreamSelector', 'round-trip'],
        mustNot: { suspectIds: [herring.id, herring.version, geoCommit.sha] },
      },
    },
  };
}
