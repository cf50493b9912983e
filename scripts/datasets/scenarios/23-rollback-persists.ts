import { chronicError, clientClosed } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app } from './kit.js';

/**
 * 2025-05-27, a streaming service. catalog-api v8.0.0 (09:00) runs a migration that rewrites category slugs; lookups
 * by the old slugs fail from 09:02. At 09:25 the team rolls back to v7.9.3, but the data stays migrated and the
 * errors go on. The rollback is not the cause and did not fix it; the 09:00 release is the cause.
 */
export function rollbackPersists(): ScenarioOutput {
  const place = evalPlacement('23-rollback-persists');
  const w = new World({
    name: 'rollback-persists',
    description: 'A release migrates data; rolling the code back leaves the symptoms in place.',
    seed: '23-rollback-persists',
    date: '2025-05-27',
    start: '03:40',
    now: '09:45',
    deploymentIds: { kind: 'seq', prefix: 'r', first: 4410, width: 4 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const ship = at('09:00');

  const catalog = w.service(app('catalog-api', 'java', 'cri', { version: 'v7.9.3', rps: 210, p95: 50, accessPerMin: 2 }));
  const player = w.service(app('player-api', 'go', 'logfmt', { version: 'v12.1.0', rps: 320, p95: 35 }));
  const recs = w.service(app('recs-svc', 'python', 'json', { version: 'v2.40.1', rps: 140, p95: 85 }));
  const edge = w.service(
    app('stream-edge', 'go', 'nginx', {
      version: 'v1.25.5',
      rps: 400,
      accessPerMin: 6,
      endpoints: [
        { method: 'GET', path: '/browse/{slug}', weight: 5, upstream: 'catalog-api' },
        { method: 'GET', path: '/play/{id}', weight: 6, upstream: 'player-api' },
      ],
    }),
  );

  w.history();
  const migration = w.git.commit({
    at: at('08:10'),
    service: 'catalog-api',
    author: 'Sofia Alvarez',
    message: 'feat(categories): normalise category slugs (migration V88 rewrites slug column)',
    files: [
      'catalog-api/src/main/resources/db/migration/V88__normalise_slugs.sql',
      'catalog-api/src/main/java/io/catalog/category/SlugNormaliser.java',
    ],
  });
  const release = w.deploy({ at: ship, service: 'catalog-api', version: 'v8.0.0', commits: [migration], by: 'spinnaker' });
  const rollback = w.deploy({
    at: at('09:25'),
    service: 'catalog-api',
    version: 'v7.9.3',
    by: 'spinnaker',
    description: 'rollback to 7.9.3 (category pages 404)',
  });
  const recsFix = w.git.commit({
    at: at('07:30'),
    service: 'recs-svc',
    message: 'feat(recs): add continue-watching row',
    files: ['recs-svc/recs/rows/continue_watching.py'],
  });
  const recsDeploy = w.deploy({ at: at('08:40'), service: 'recs-svc', version: 'v2.41.0', commits: [recsFix], by: 'spinnaker' });

  catalog.errors.level(ship + 2 * MINUTE, 19, { ramp: 2 });
  edge.errors.level(ship + 3 * MINUTE, 5.5, { ramp: 2 });
  edge.failuresLookLike(ship, [502], ['/browse/{slug}']);
  recs.errors.level(ship + 3 * MINUTE, 2.6, { ramp: 3 });

  for (const svc of [catalog, player, recs])
    chronicError(svc, 0.6, () => ({ level: 'error', msg: 'metrics reporter: prometheus pushgateway returned 502' }));
  clientClosed(player, 3);
  edge.every(w.start, w.now, 0.25, () => ({
    level: 'warn',
    msg: 'upstream sent too big header while reading response header from upstream',
  }));
  recs.every(w.start, w.now, 6 / 60, (r) => ({
    level: 'warn',
    logger: 'recs.model',
    msg: `embedding missing for title tt${r.int(1000000, 9999999)}, using genre fallback`,
  }));
  catalog.log(ship + 20 * 1000, {
    level: 'info',
    logger: 'org.flywaydb.core.internal.command.DbMigrate',
    msg: 'Migrating schema "catalog" to version "88 - normalise slugs"',
  });
  catalog.every(ship + 2 * MINUTE, w.now, 16, (r) => ({
    level: 'error',
    logger: 'io.catalog.category.CategoryController',
    msg: `Category not found for slug '${r.pick(['kids-&-family', 'sci-fi-&-fantasy', 'rom-com', 'k-drama'])}'`,
  }));
  recs.every(ship + 3 * MINUTE, w.now, 4, () => ({
    level: 'error',
    logger: 'recs.rows',
    msg: 'category row skipped: catalog-api returned 404 for slug lookup',
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Rolled back, still broken: a slug migration outlives the code rollback',
      incident: 'Category pages broken since 09:02. We rolled catalog-api back at 09:25 and it is still failing, what is going on?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, migration.sha], service: ['catalog-api'] },
        rootCauseKeywords: ['slug', 'migration'],
        mustNot: { suspectIds: [rollback.id, recsDeploy.id, recsDeploy.version, recsFix.sha] },
        service: ['catalog-api'],
      },
    },
  };
}
