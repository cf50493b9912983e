import { chronicError, gcPauses, healthChecks } from '../logs/noise.js';
import { javaStack } from '../logs/stacks.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { DAY, MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * Written from Fastly's public summary of 8 June 2021: a software deployment of 12 May carried a bug that only a
 * specific, valid customer configuration could trigger; when a customer pushed such a configuration on 8 June, most
 * of the network returned errors within a minute. Here: edge-cache (Java) v12.3.0, shipped 27 days earlier, added
 * wildcard surrogate-key purges in `SurrogateKeyIndex`; at 09:47 a customer's configuration that first uses such a
 * purge rule is activated through the control plane (JSON, no git, no deployment record), and from 09:48 edge-cache
 * throws in `SurrogateKeyIndex.match` on every request. Red herrings: edge-cache's own release at 07:30 (log sampling)
 * and an image-optimizer release at 09:20. Mixed formats: log4j with Java traces, JSON, logfmt.
 */
export function latentConfigTrigger(): ScenarioOutput {
  const place = evalPlacement('55-latent-config-trigger');
  const w = new World({
    name: 'latent-config-trigger',
    description: 'A weeks-old purge-matching defect fails once a customer configuration first uses it.',
    seed: '55-latent-config-trigger',
    date: '2021-06-08',
    start: '05:30',
    now: '10:20',
    deploymentIds: { kind: 'seq', prefix: 'fy-', first: 5530, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const push = at('09:47');
  const onset = at('09:48');

  const cache = w.service(
    app('edge-cache', 'java', 'log4j', { version: 'v12.4.1', rps: 7000, p95: 6, pkg: 'io.edgecache', accessPerMin: 4 }),
  );
  const images = w.service(app('image-optimizer', 'go', 'logfmt', { version: 'v4.9.0', rps: 300, p95: 90 }));
  const control = w.logSource('control-plane', 'json');
  bystander(w, 'log-streamer', 'python', 'json', 'v6.0.3');
  bystander(w, 'customer-dashboard', 'node', 'pino', 'v22.7.0');

  cache.errors.level(onset, 71, { ramp: 1, jitter: 0.04 });
  cache.failuresLookLike(onset, [503], ['/v1/edge/{id}']);

  w.history();
  const wildcard = w.git.commit({
    at: onset - 27 * DAY - 4 * 60 * MINUTE,
    service: 'edge-cache',
    author: 'Yusuf Demir',
    message: 'feat(purge): wildcard surrogate-key purge rules',
    files: [
      'edge-cache/src/main/java/io/edgecache/purge/SurrogateKeyIndex.java',
      'edge-cache/src/main/java/io/edgecache/purge/PurgeRule.java',
    ],
  });
  const defect = w.deploy({ at: onset - 27 * DAY, service: 'edge-cache', version: 'v12.3.0', commits: [wildcard], by: 'deployd' });
  const sampling = w.git.commit({
    at: at('06:40'),
    service: 'edge-cache',
    message: 'chore(logging): sample access logs at 1% for large customers',
    files: ['edge-cache/src/main/java/io/edgecache/log/AccessSampler.java'],
  });
  const own = w.deploy({ at: at('07:30'), service: 'edge-cache', version: 'v12.4.2', commits: [sampling], by: 'deployd' });
  const webp = w.git.commit({
    at: at('08:50'),
    service: 'image-optimizer',
    message: 'feat(webp): lossless WebP for PNG sources',
    files: ['image-optimizer/internal/encode/webp.go'],
  });
  const herring = w.deploy({ at: at('09:20'), service: 'image-optimizer', version: 'v4.10.0', commits: [webp], by: 'deployd' });

  control.every(w.start, w.now, 0.4, (r) => ({
    level: 'info',
    msg: 'config version validated',
    fields: { service_id: r.hex(10), version: r.int(2, 400) },
  }));
  control.log(push, {
    level: 'info',
    msg: 'customer config version 41 with wildcard purge rule activated and applied to all POPs',
    fields: { service_id: '6fq2k9xw1b', actor: 'api' },
  });
  cache.every(onset, w.now, 50, (r) => ({
    level: 'error',
    logger: 'io.edgecache.http.RequestHandler',
    msg: `request failed for service ${r.hex(10)}`,
    stack: javaStack(r, 'java.lang.ArrayIndexOutOfBoundsException: Index -1 out of bounds for length 64', [
      'io.edgecache.purge.SurrogateKeyIndex.match(SurrogateKeyIndex.java:143)',
      'io.edgecache.purge.PurgeRule.appliesTo(PurgeRule.java:58)',
      'io.edgecache.http.RequestHandler.lookup(RequestHandler.java:211)',
    ]),
  }));
  healthChecks(cache, 2);
  gcPauses(cache, 6, 8192);
  chronicError(cache, 2, (r) => ({
    level: 'warn',
    logger: 'io.edgecache.origin.Fetch',
    msg: `origin ${r.hex(6)} slow: ${r.int(900, 3000)} ms`,
  }));
  chronicError(images, 2, (r) => ({ level: 'error', msg: `decode failed: unsupported colour profile in ${r.hex(8)}.png` }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'A weeks-old purge-matching defect fails once a customer configuration first uses it (after Fastly, 2021-06-08)',
      incident:
        'Edge returning 503 for most requests since 09:48. image-optimizer went out at 09:20 and edge-cache this morning — which one?',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [defect.id, defect.version, wildcard.sha], service: ['edge-cache'] },
        rootCauseKeywords: ['config version 41', 'wildcard purge rule'],
        mustNot: { suspectIds: [herring.id, herring.version, webp.sha, own.id, own.version, sampling.sha] },
      },
    },
  };
}
