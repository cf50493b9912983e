import { chronicError, clientClosed } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * Written from Cloudflare's public postmortem of the 2 July 2019 outage: a new WAF managed rule, shipped to every edge
 * at once, held a regular expression that backtracked catastrophically and drove the proxies' CPU to 100%, so they
 * answered 502. Here, at a different company whose history lives only on GitHub (Deployments, pull requests, no
 * clone): edge-waf's rules release v5.13.0 at 13:42 (PR #4412, an XSS rule) pins edge-waf's CPU from 13:43 and
 * every site behind it answers 502. dashboard-api's 13:30 deploy (the one the on-call suspects) and account-api's
 * 13:55 deploy after the onset are innocent.
 */
export function wafRegexGithub(): ScenarioOutput {
  const place = evalPlacement('68-waf-regex-github');
  const w = new World({
    name: 'waf-regex-github',
    description: 'A WAF rule with a backtracking regex pins the edge CPU; history only from GitHub.',
    seed: '68-waf-regex-github',
    date: '2026-04-14',
    start: '10:00',
    now: '14:10',
    deploymentIds: { kind: 'seq', prefix: '', first: 88100, width: 5 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const ship = at('13:42');
  const onset = ship + MINUTE;

  const waf = w.service(app('edge-waf', 'go', 'plain', { version: 'v5.12.3', rps: 1800, p95: 12, cpu: 35, accessPerMin: 3 }));
  const dashboard = w.service(app('dashboard-api', 'node', 'pino', { version: 'v8.3.0', rps: 90, p95: 140 }));
  const account = w.service(app('account-api', 'python', 'json', { version: 'v5.1.2', rps: 60, p95: 110 }));
  bystander(w, 'dns-edge', 'go', 'cri', 'v4.4.0');

  waf.cpu.level(onset, 99, { ramp: 1 });
  waf.latency.level(onset, 2600, { ramp: 1 });
  waf.errors.level(onset, 71, { ramp: 1, jitter: 0.04 });
  waf.failuresLookLike(onset, [502], ['/v1/edge-waf/{id}']);
  dashboard.errors.level(onset + MINUTE, 9, { ramp: 2 });

  w.history();
  const rule = w.git.commit({
    at: at('13:05'),
    service: 'edge-waf',
    author: 'Tomasz Nowak',
    message: 'rules: block XSS payloads hidden in query-string arithmetic (rule 100035)',
    files: ['edge-waf/rules/managed/xss/100035.yaml', 'edge-waf/rules/managed/xss/100035_test.yaml'],
  });
  const release = w.deploy({ at: ship, service: 'edge-waf', version: 'v5.13.0', commits: [rule], by: 'rules-release-bot' });
  const dashFix = w.git.commit({
    at: at('12:40'),
    service: 'dashboard-api',
    message: 'feat(analytics): cache the zone summary for 30s',
    files: ['dashboard-api/src/analytics/summary.ts'],
  });
  const dashDeploy = w.deploy({ at: at('13:30'), service: 'dashboard-api', version: 'v8.3.1', commits: [dashFix], by: 'argo' });
  const accountFix = w.git.commit({
    at: at('13:20'),
    service: 'account-api',
    message: 'fix(sso): accept the new IdP certificate chain',
    files: ['account-api/app/sso/certs.py'],
  });
  const accountDeploy = w.deploy({ at: at('13:55'), service: 'account-api', version: 'v5.1.3', commits: [accountFix], by: 'argo' });

  for (const svc of [dashboard, account])
    chronicError(svc, 0.6, () => ({ level: 'error', msg: 'statsd flush to 127.0.0.1:8125 failed, retrying' }));
  clientClosed(dashboard, 2);
  waf.every(w.start, w.now, 0.3, (r) => ({
    level: 'warn',
    msg: `request body over inspection limit, truncated to 128KiB (zone z-${r.hex(6)})`,
  }));
  waf.every(ship, ship + MINUTE, 3, () => ({ level: 'info', msg: 'managed ruleset v5.13.0 loaded: 1483 rules (1 new: 100035)' }));
  waf.every(onset, w.now, 14, (r) => ({
    level: 'error',
    msg: `rule 100035 evaluation exceeded 50ms budget (${r.int(180, 2400)}ms); worker saturated, upstream answered 502`,
  }));
  dashboard.every(onset + MINUTE, w.now, 4, (r) => ({
    level: 'error',
    msg: 'zone summary fetch failed',
    fields: { upstream: 'edge-waf', status: 502, zone: `z-${r.hex(6)}` },
  }));

  return {
    ...place,
    files: w.finish(),
    github: {
      repository: 'northwind-edge/platform',
      pulls: [
        { number: 4412, title: 'WAF: new managed rule 100035 against query-string XSS', labels: ['waf', 'managed-rules'], commit: rule },
        { number: 4405, title: 'dashboard: cache zone summary', labels: ['dashboard'], commit: dashFix },
        { number: 4409, title: 'sso: new IdP certificate chain', labels: ['account'], commit: accountFix },
      ],
    },
    evalCase: {
      title: 'A WAF rule with a backtracking regex pins the edge CPU, history from GitHub only (after Cloudflare, 2019-07-02)',
      incident: '502s on every site since about 13:43. dashboard-api went out at 13:30, should we roll it back?',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, rule.sha], service: ['edge-waf'] },
        rootCauseKeywords: ['100035', 'XSS'],
        mustNot: { suspectIds: [dashDeploy.id, dashDeploy.version, dashFix.sha, accountDeploy.id, accountDeploy.version, accountFix.sha] },
        service: ['edge-waf'],
      },
    },
  };
}
