import { chronicError, healthChecks } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * Written from Cloudflare's public postmortem of 2 July 2019: a new WAF managed rule whose regular expression
 * backtracked catastrophically was pushed to every edge machine at once through the global config store (not a code
 * release); CPU on every machine went to 100 % and the proxies returned 502s. Here: a streaming company's
 * config-store (JSON, no git) logs at 13:42 that the WAF ruleset key was updated and propagated to every PoP, and
 * each PoP's edge-proxy logs that it swapped the ruleset in; from 13:43 edge-proxy's CPU pins near 100 % and it answers 502s. Routine key updates (certificates, DNS records)
 * pass through the same store every few minutes. Red herrings: billing-api shipped at 13:20, and edge-proxy's own
 * release of the morning. Mixed formats: logfmt, JSON, nginx-style plain text.
 */
export function rulesetCpu(): ScenarioOutput {
  const place = evalPlacement('48-ruleset-cpu');
  const w = new World({
    name: 'ruleset-cpu',
    description: 'A WAF rule pushed through the config store pins every edge CPU; two deploys nearby are innocent.',
    seed: '48-ruleset-cpu',
    date: '2019-07-02',
    start: '09:00',
    now: '14:05',
    deploymentIds: { kind: 'seq', prefix: 'rel-', first: 4410, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const push = at('13:42');
  const onset = at('13:43');

  const edge = w.service(app('edge-proxy', 'go', 'logfmt', { version: 'v19.6.0', rps: 9000, p95: 25, cpu: 38, accessPerMin: 4 }));
  const billing = w.service(app('billing-api', 'java', 'log4j', { version: 'v8.2.4', rps: 60, p95: 140 }));
  const store = w.logSource('config-store', 'json');
  bystander(w, 'catalog-search', 'python', 'json', 'v5.1.9');
  bystander(w, 'playback-session', 'node', 'pino', 'v14.0.2');

  edge.cpu.level(onset, 99, { ramp: 1, jitter: 0.01 });
  edge.errors.level(onset, 62, { ramp: 1, jitter: 0.05 });
  edge.latency.level(onset, 4800, { ramp: 1 });
  edge.failuresLookLike(onset, [502], ['/v1/edge/{id}']);

  w.history();
  const sni = w.git.commit({
    at: at('08:10'),
    service: 'edge-proxy',
    author: 'Marta Kowalczyk',
    message: 'feat(tls): log the SNI of rejected handshakes',
    files: ['edge-proxy/internal/tls/handshake.go'],
  });
  const morning = w.deploy({ at: at('09:30'), service: 'edge-proxy', version: 'v19.6.1', commits: [sni], by: 'spinnaker' });
  const invoice = w.git.commit({
    at: at('12:40'),
    service: 'billing-api',
    message: 'fix(invoice): round VAT per line, not per invoice',
    files: ['billing-api/src/main/java/io/billing/invoice/VatCalculator.java'],
  });
  const herring = w.deploy({ at: at('13:20'), service: 'billing-api', version: 'v8.2.5', commits: [invoice], by: 'spinnaker' });

  // Routine traffic through the store: certificates and DNS records change all day.
  store.every(w.start, w.now, 0.3, (r) => ({
    level: 'info',
    msg: `key ${r.pick(['ssl/certs', 'dns/records', 'origin/pools'])}/${r.hex(6)} updated`,
    fields: { revision: r.int(900000, 999999), writer: r.pick(['certd', 'dns-api', 'lb-api']) },
  }));
  store.log(push, {
    level: 'info',
    msg: 'WAF managed ruleset cf-managed-20190702 updated and propagated to all PoPs (global quick deploy)',
    fields: { revision: 1004211, writer: 'waf-api', rules: 312 },
  });
  // Each PoP's proxy swaps the new rules in as the push reaches it.
  for (const [i, colo] of ['ams', 'fra', 'lhr', 'iad', 'sjc'].entries()) {
    edge.log(push + 8_000 + i * 3_000, {
      level: 'info',
      msg: 'waf: swapped in ruleset cf-managed-20190702',
      fields: { colo, rules: 312, revision: 1004211 },
    });
  }
  edge.every(onset, w.now, 40, (r) => ({
    level: 'error',
    msg: `request aborted after ${r.int(3000, 9000)}ms: Lua VM time slice exhausted in phase access (waf)`,
    fields: { colo: r.pick(['ams', 'fra', 'lhr', 'iad', 'sjc']), status: 502 },
  }));
  edge.every(onset, w.now, 6, (r) => ({
    level: 'warn',
    msg: 'CPU budget exceeded in request phase access',
    fields: { colo: r.pick(['ams', 'fra', 'lhr', 'iad', 'sjc']), phase_ms: r.int(800, 4000) },
  }));
  healthChecks(edge, 2);
  chronicError(edge, 3, (r) => ({ level: 'warn', msg: 'client sent invalid SNI', fields: { sni: `${r.hex(5)}.invalid` } }));
  chronicError(billing, 2, (r) => ({ level: 'error', logger: 'io.billing.psp', msg: `card declined for account ${r.int(1000, 9999)}` }));
  billing.every(onset - 20 * MINUTE, w.now, 0.5, () => ({ level: 'info', logger: 'io.billing.invoice', msg: 'invoice batch closed' }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'A WAF rule pushed through the config store pins every edge CPU (after Cloudflare, 2019-07-02)',
      incident: 'Edge returning 502s everywhere since ~13:43. billing-api deployed at 13:20 — is that it?',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['infrastructure'] },
        rootCauseKeywords: ['ruleset', 'WAF'],
        mustNot: {
          suspectIds: [herring.id, herring.version, invoice.sha, morning.id, morning.version, sni.sha],
          suspectKinds: ['deployment', 'commit'],
        },
      },
    },
  };
}
