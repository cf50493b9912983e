import { chronicError } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { DAY, MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * Written from CrowdStrike's public post-incident review of 19 July 2024: a Rapid Response Content update (Channel
 * File 291) gave the sensor's content interpreter a template instance with 21 input fields where the sensor supplied
 * 20, and the out-of-bounds read crashed every host that loaded it. Here, at a different company whose history lives
 * only on GitHub: endpoint-agent's content release v7.11.1 at 04:09 (PR #2291, new detection template instances) makes
 * the agent crash-loop from 04:10 with "input 21 out of bounds". The agent's own sensor release v7.11.0 two days
 * earlier (the on-call's guess) and fleet-console's deploy at 04:30, after the onset, are innocent.
 */
export function contentUpdateGithub(): ScenarioOutput {
  const place = evalPlacement('69-content-update-github');
  const w = new World({
    name: 'content-update-github',
    description: 'A content update with one input field too many crashes the endpoint agent; history only from GitHub.',
    seed: '69-content-update-github',
    date: '2026-05-19',
    start: '01:00',
    now: '05:00',
    deploymentIds: { kind: 'seq', prefix: '', first: 51870, width: 5 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const ship = at('04:09');
  const onset = ship + MINUTE;

  const agent = w.service(app('endpoint-agent', 'go', 'klog', { version: 'v7.11.0', rps: 400, p95: 25, accessPerMin: 2 }));
  const consoleApi = w.service(app('fleet-console', 'node', 'pino', { version: 'v3.9.4', rps: 50, p95: 160 }));
  bystander(w, 'telemetry-ingest', 'java', 'json', 'v12.2.0');
  bystander(w, 'policy-service', 'python', 'json', 'v2.3.1');

  agent.errors.level(onset, 64, { ramp: 1, jitter: 0.05 });
  agent.failuresLookLike(onset, [503], ['/v1/endpoint-agent/{id}']);
  agent.latency.level(onset, 900, { ramp: 1 });
  consoleApi.errors.level(onset + 2 * MINUTE, 7, { ramp: 2 });

  w.history(at('01:00') - 2 * DAY - 3 * 60 * MINUTE);
  const sensorCommit = w.git.commit({
    at: at('01:00') - 2 * DAY - 2 * 60 * MINUTE,
    service: 'endpoint-agent',
    author: 'Ines Duarte',
    message: 'feat(ipc): accept 21 input fields in the named-pipe template type (content interpreter still passes 20)',
    files: ['endpoint-agent/sensor/templates/ipc.go', 'endpoint-agent/sensor/templates/ipc_test.go'],
  });
  const sensorRelease = w.deploy({
    at: at('01:00') - 2 * DAY,
    service: 'endpoint-agent',
    version: 'v7.11.0',
    commits: [sensorCommit],
    by: 'fleet-release',
  });
  const content = w.git.commit({
    at: at('03:40'),
    service: 'endpoint-agent',
    author: 'Ravi Menon',
    message: 'content: channel 291 template instances for malicious named-pipe detection (uses input 21)',
    files: ['endpoint-agent/content/channel-291/instances.yaml'],
  });
  const contentRelease = w.deploy({ at: ship, service: 'endpoint-agent', version: 'v7.11.1', commits: [content], by: 'content-publisher' });
  const consoleFix = w.git.commit({
    at: at('03:55'),
    service: 'fleet-console',
    message: 'fix(hosts): show the offline reason in the host table',
    files: ['fleet-console/src/hosts/table.tsx'],
  });
  const consoleDeploy = w.deploy({ at: at('04:30'), service: 'fleet-console', version: 'v3.9.5', commits: [consoleFix], by: 'argo' });

  chronicError(consoleApi, 0.6, () => ({ level: 'error', msg: 'session store ping slow, reconnecting' }));
  agent.every(w.start, w.now, 0.25, (r) => ({ level: 'warn', msg: `host h-${r.hex(6)} clock drift ${r.int(200, 900)}ms, resyncing` }));
  agent.every(ship, ship + MINUTE, 4, () => ({ level: 'info', msg: 'content channel 291 v7.11.1 loaded: 4 new template instances' }));
  agent.every(onset, w.now, 16, (r) => ({
    level: 'error',
    msg: `content interpreter: template instance 291/${r.int(1, 4)} reads input 21 out of bounds (20 supplied); agent restarting on host h-${r.hex(6)}`,
  }));
  consoleApi.every(onset + 2 * MINUTE, w.now, 3, (r) => ({
    level: 'error',
    msg: 'host heartbeat missing',
    fields: { upstream: 'endpoint-agent', host: `h-${r.hex(6)}` },
  }));

  return {
    ...place,
    files: w.finish(),
    github: {
      repository: 'lumen-security/endpoint',
      pulls: [
        {
          number: 2291,
          title: 'Channel 291: named-pipe detection template instances',
          labels: ['content', 'rapid-response'],
          commit: content,
        },
        { number: 2264, title: 'Sensor: 21-field IPC template type', labels: ['sensor'], commit: sensorCommit },
        { number: 2297, title: 'Console: offline reason column', labels: ['console'], commit: consoleFix },
      ],
    },
    evalCase: {
      title:
        'A content update with one input field too many crash-loops the endpoint agent, history from GitHub only (after CrowdStrike, 2024-07-19)',
      incident:
        'Hosts dropping off since ~04:10, endpoint-agent keeps restarting. The 7.11.0 sensor release went out two days ago, is that it?',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: {
          kind: ['deployment', 'commit'],
          id: [contentRelease.id, contentRelease.version, content.sha],
          service: ['endpoint-agent'],
        },
        rootCauseKeywords: ['291', 'template'],
        mustNot: { suspectIds: [sensorRelease.id, sensorRelease.version, consoleDeploy.id, consoleDeploy.version, consoleFix.sha] },
        service: ['endpoint-agent'],
      },
    },
  };
}
