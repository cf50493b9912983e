import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { RE2JS } from 're2js';
import { describe, expect, test } from 'vitest';
import type { LogEntryOut } from '../../mcp-servers/logs/schemas.js';
import {
  ACTION_EVENT_PATTERN,
  BURST_MAX,
  DEPLOY_ECHO_MS,
  EPISODE_MS,
  FLEET_MIN,
  NEAR_MS,
  ONSET_SKEW_MS,
  RARE_BASELINE_MAX,
  rareEventChanges,
} from '../../src/engines/builtin/rare-events.js';
import { MAX_TEMPLATES, mineTemplates, SIMILARITY, templateText } from '../../src/engines/builtin/templates.js';

const BUILT = path.resolve('dist/src/engines/builtin/rare-events.js');
/** Hostile input must be read in well under this; a catastrophic backtrack would take minutes. */
const KILL_MS = 10_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ONSET = new Date('2031-03-04T12:00:00Z');
const KNOWN = ['db', 'api', 'web', 'cache', 'worker'];

function line(message: string, msBeforeOnset: number, service = 'db', file = `${service}.log`) {
  const value: LogEntryOut = {
    time: new Date(ONSET.getTime() - msBeforeOnset).toISOString(),
    level: 'info',
    service,
    message,
    file,
    line: 1,
  };
  return { value, callId: 'T9' };
}

const rare = (entries: ReturnType<typeof line>[], deployments: { service: string; at: string }[] = []) =>
  rareEventChanges(entries, { onset: ONSET, knownServices: KNOWN, deployments });

describe('template miner', () => {
  test('lines differing only in numbers and ids share a template; other words do not', () => {
    const mined = mineTemplates([
      'Unpacking libssl3 (3.0.11-1) over (3.0.9-1)',
      'Unpacking libssl3 (3.0.13-1) over (3.0.11-1)',
      'connection from 10.0.0.7 accepted',
    ]);
    expect(mined.assignment).toEqual([0, 0, 1]);
    expect(templateText(mined.templates[0]!)).toBe('Unpacking libssl3 <*> over <*>');
  });

  test(`a line joins a template at ${SIMILARITY} of its words equal, not below`, () => {
    // Four words, the first (the group key) always equal: 3/4 and 2/4 join, 1/4 starts a template.
    expect(mineTemplates(['node a swapped now', 'node a swapped later']).assignment).toEqual([0, 0]);
    expect(mineTemplates(['node a swapped now', 'node b swapped later']).assignment).toEqual([0, 0]);
    expect(mineTemplates(['node a swapped now', 'node b promoted later']).assignment).toEqual([0, 1]);
  });

  test('differing positions become wildcards, so later lines compare against the general form', () => {
    const mined = mineTemplates(['cert web rotated ok', 'cert api rotated ok', 'cert cache rotated ok']);
    expect(mined.assignment).toEqual([0, 0, 0]);
    expect(templateText(mined.templates[0]!)).toBe('cert <*> rotated ok');
  });

  test(`at most ${MAX_TEMPLATES} templates are kept; a line past the budget gets none`, () => {
    // Distinct first words without digits: each line is a group and a template of its own.
    const word = (i: number) => i.toString(36).replace(/\d/g, (digit) => String.fromCharCode(65 + Number(digit)));
    const mined = mineTemplates(Array.from({ length: MAX_TEMPLATES + 1 }, (_, i) => `w${word(i)} rotated`));
    expect(mined.templates).toHaveLength(MAX_TEMPLATES);
    expect(mined.assignment.at(-2)).toBe(MAX_TEMPLATES - 1);
    expect(mined.assignment.at(-1)).toBe(-1);
  });
});

describe('rare events before the onset', () => {
  test('a package upgrade never seen before, at info level, is an infrastructure change quoted from its line', () => {
    const changes = rare([line('Upgraded postgresql-15 from 15.4 to 15.6', 20 * MINUTE)]);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: 'infrastructure', service: 'db', live: true, weight: 1, callId: 'T9' });
    expect(changes[0]!.needles[0]).toBe('Upgraded postgresql-15 from 15.4 to 15.6');
  });

  test(`seen ${RARE_BASELINE_MAX} time in the baseline it is rare (weighed less); ${RARE_BASELINE_MAX + 1} times, routine`, () => {
    const upgrade = (ms: number) => line('Upgraded tzdata from 2031a to 2031b', ms);
    expect(rare([upgrade(20 * MINUTE)])[0]?.weight).toBe(1);
    expect(rare([upgrade(10 * HOUR), upgrade(20 * MINUTE)])[0]?.weight).toBeLessThan(1);
    expect(rare([upgrade(10 * HOUR), upgrade(12 * HOUR), upgrade(20 * MINUTE)])).toEqual([]);
  });

  test('an hourly job is routine; a daily job started just before the onset is a change, named a job', () => {
    const hourly = Array.from({ length: 24 }, (_, i) => line('cron job rollup started', i * HOUR + 10 * MINUTE, 'worker'));
    expect(rare(hourly)).toEqual([]);
    const daily = [
      line('backup job nightly started', 23 * HOUR + 50 * MINUTE, 'worker'),
      line('backup job nightly started', 10 * MINUTE, 'worker'),
    ];
    const changes = rare(daily);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.id).toMatch(/^job:/);
    expect(changes[0]!.service).toBe('worker');
  });

  test('the near window: its first minute counts, a minute earlier is baseline; the skew after the onset counts, later not', () => {
    const event = (ms: number) => [line('replica promoted to primary', ms)];
    expect(rare(event(NEAR_MS))).toHaveLength(1);
    expect(rare(event(NEAR_MS + MINUTE))).toEqual([]);
    expect(rare(event(-ONSET_SKEW_MS))).toHaveLength(1);
    expect(rare(event(-ONSET_SKEW_MS - MINUTE))).toEqual([]);
  });

  test(`one event on ${FLEET_MIN} services in one minute is one fleet-wide change; on ${FLEET_MIN - 1}, one each`, () => {
    const on = (services: string[]) => services.map((service) => line('Installed ca-certificates 20310101', 5 * MINUTE, service));
    const fleet = rare(on(['api', 'web', 'cache']));
    expect(fleet).toHaveLength(1);
    expect(fleet[0]).toMatchObject({ service: null, alsoTouches: ['api', 'web', 'cache'] });
    expect(fleet[0]!.text).toContain('fleet-wide');
    const pair = rare(on(['api', 'web']));
    expect(pair.map((change) => change.service).sort()).toEqual(['api', 'web']);
  });

  test(`${BURST_MAX} near-onset lines of one template may be a change; one more is a flood`, () => {
    const burst = (count: number) =>
      Array.from({ length: count }, (_, i) => line(`session ${i} evicted from pool`, 5 * MINUTE - i * 1000, 'cache'));
    expect(rare(burst(BURST_MAX))).toHaveLength(1);
    expect(rare(burst(BURST_MAX + 1))).toEqual([]);
  });

  test('a service restarting just after its own deployment is that deployment, not a change of its own', () => {
    const started = [line('Tomcat started on port 8080', 30 * MINUTE, 'api')];
    const deployedAt = (ms: number) => [{ service: 'api', at: new Date(ONSET.getTime() - ms).toISOString() }];
    expect(rare(started, deployedAt(30 * MINUTE + DEPLOY_ECHO_MS))).toEqual([]);
    expect(rare(started, deployedAt(30 * MINUTE + DEPLOY_ECHO_MS + MINUTE))).toHaveLength(1);
    expect(rare(started, [{ service: 'web', at: new Date(ONSET.getTime() - 31 * MINUTE).toISOString() }])).toHaveLength(1);
  });

  test(`events on the same service within ${EPISODE_MS / MINUTE} min are one episode quoting each; further apart, two`, () => {
    const pair = (gap: number) => [
      line('Upgraded libc6 from 2.35 to 2.36', 10 * MINUTE),
      line('Stopped Network Configuration.', 10 * MINUTE - gap),
    ];
    const one = rare(pair(EPISODE_MS));
    expect(one).toHaveLength(1);
    expect(one[0]!.text).toBe('Upgraded libc6 from 2.35 to 2.36; then Stopped Network Configuration.');
    expect(one[0]!.needles).toHaveLength(2);
    expect(rare(pair(EPISODE_MS + MINUTE))).toHaveLength(2);
    expect(
      rare([line('Upgraded libc6 from 2.35 to 2.36', 10 * MINUTE), line('Stopped Network Configuration.', 10 * MINUTE, 'api')]),
    ).toHaveLength(2);
  });

  test("a host journal's line written by systemd belongs to the service whose log holds it", () => {
    const [change] = rare([line('Stopped Network Configuration.', 5 * MINUTE, 'systemd', 'db.log')]);
    expect(change).toMatchObject({ service: 'db', kind: 'infrastructure' });
    const fleet = rare(['api', 'web', 'cache'].map((host) => line('Stopped Network Configuration.', 5 * MINUTE, 'systemd', `${host}.log`)));
    expect(fleet[0]).toMatchObject({ service: null, alsoTouches: ['api', 'web', 'cache'] });
  });

  test('wording that only says something began weighs less than a change of state', () => {
    const [started] = rare([line('worker pool started', 5 * MINUTE, 'worker')]);
    const [swapped] = rare([line('cache node swapped', 5 * MINUTE, 'cache')]);
    expect(started!.weight).toBeLessThan(swapped!.weight!);
  });

  test('a settings change is config; the search pattern is valid RE2 and finds the action verbs', () => {
    expect(rare([line('terraform plan applied: 3 changed', 5 * MINUTE)])[0]?.kind).toBe('config');
    const re = RE2JS.compile(ACTION_EVENT_PATTERN, RE2JS.CASE_INSENSITIVE);
    expect(re.matcher('Primary FAILED OVER to db-2').find()).toBe(true);
    expect(re.matcher('GET /health 200').find()).toBe(false);
  });

  test('hostile text is mined without catastrophic backtracking (in a child process with a hard timeout)', () => {
    expect(existsSync(BUILT), `${BUILT} is missing: run npm run build`).toBe(true);
    const script = `import(${JSON.stringify(BUILT)}).then((m) => {
      const t = new Date(Date.parse('2031-03-04T11:50:00Z')).toISOString();
      const hostile = [' '.repeat(200000) + 'x', 'a'.repeat(200000) + ' started', 'job '.repeat(50000) + '\\t'.repeat(50000)];
      const entries = hostile.map((message, i) => ({ value: { time: t, level: 'info', service: 's' + i, message, file: 'f', line: 1 }, callId: 'T1' }));
      const out = m.rareEventChanges(entries, { onset: new Date('2031-03-04T12:00:00Z'), knownServices: ['s0'] });
      process.stdout.write(String(out.length));
    });`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: KILL_MS,
      killSignal: 'SIGKILL',
    });
    expect(run.signal, `killed after ${KILL_MS} ms`).toBeNull();
    expect(run.status, run.stderr).toBe(0);
  });
});
