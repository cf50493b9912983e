import { chronicError, healthChecks } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * Written from Datadog's public postmortem of the 8 March 2023 outage: an automatic security update of systemd
 * (unattended-upgrades) ran on many Ubuntu hosts within the same hour; restarting systemd-networkd removed the routes
 * the container network had installed, and the hosts lost connectivity. The only word of the cause is info-level
 * journal lines on each host: the upgrade ran, networkd was stopped and started. Here: orders-api, payments and
 * inventory (three hosts, journald) log the upgrade in one minute at 06:00 and fail to reach their databases from
 * 06:02. A payments release 35 minutes earlier is the red herring. Mixed formats: journald, pino, JSON.
 */
export function fleetPackageUpgrade(): ScenarioOutput {
  const place = evalPlacement('48-fleet-package-upgrade');
  const w = new World({
    name: 'fleet-package-upgrade',
    description: 'An unattended systemd upgrade on every host drops the container routes; only the journals say so.',
    seed: '48-fleet-package-upgrade',
    date: '2023-03-08',
    start: '02:00',
    now: '06:40',
    deploymentIds: { kind: 'seq', prefix: 'dd-', first: 5120, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const upgrade = at('06:00');
  const onset = at('06:02');
  const hosts = [
    ['orders-api', 'node-a7'],
    ['payments', 'node-b3'],
    ['inventory', 'node-c9'],
  ] as const;
  const services = hosts.map(([name, hostname], i) =>
    w.service(app(name, 'go', 'journald', { version: `v3.${4 + i}.0`, rps: 300, p95: 40, hostname, accessPerMin: 1 })),
  );
  bystander(w, 'storefront', 'node', 'pino', 'v9.2.0');
  bystander(w, 'email-sender', 'python', 'json', 'v2.7.1');

  w.history();
  const retry = w.git.commit({
    at: at('04:40'),
    service: 'payments',
    message: 'feat(refunds): retry partial refunds with idempotency keys',
    files: ['payments/internal/refunds/retry.go'],
  });
  const herring = w.deploy({ at: at('05:27'), service: 'payments', version: 'v3.6.0', commits: [retry], by: 'spinnaker' });

  services.forEach((svc, i) => {
    const t = upgrade + i * 7_000;
    svc.log(t, {
      level: 'info',
      logger: 'unattended-upgrade',
      msg: 'Packages that will be upgraded: libnss-systemd libpam-systemd libsystemd0 libudev1 systemd systemd-sysv udev',
    });
    svc.log(t + 20_000, { level: 'info', logger: 'systemd', msg: 'Stopped Network Configuration.' });
    svc.log(t + 21_000, { level: 'info', logger: 'systemd', msg: 'Started Network Configuration.' });
    svc.log(t + 30_000, { level: 'info', logger: 'unattended-upgrade', msg: 'All upgrades installed' });
    svc.errors.level(onset, 30, { ramp: 1, jitter: 0.1 });
    svc.every(onset, w.now, 15, (r) => ({
      level: 'error',
      msg: `query failed: dial tcp 10.40.${r.int(1, 9)}.${r.int(2, 250)}:5432: connect: network is unreachable`,
    }));
    healthChecks(svc, 2);
    svc.cron(60, 17, () => ({ level: 'info', logger: 'systemd', msg: 'Started Daily apt download activities.' }));
  });
  chronicError(services[1]!, 1, (r) => ({ level: 'warn', msg: `card issuer slow to answer: ${r.int(800, 2000)}ms` }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Hosts lose their network after an unattended systemd upgrade on the whole fleet (after Datadog, 2023-03-08)',
      incident:
        'orders, payments and inventory all failing to reach their databases since ~06:02. payments shipped at 05:27, roll it back?',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['infrastructure'] },
        // Words of the upgrade line itself: the host-failure class alone mentions neither.
        rootCauseKeywords: ['libsystemd0', 'systemd-sysv'],
        minConfidence: 'medium',
        mustNot: { suspectIds: [herring.id, herring.version, retry.sha], suspectKinds: ['deployment', 'commit'] },
      },
    },
  };
}
