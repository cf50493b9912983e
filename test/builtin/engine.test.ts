import { describe, expect, test } from 'vitest';
import type { AgentEvent, Report } from '../../src/agent/types.js';
import { buildEvidencePack, createBuiltinEngine } from '../../src/engines/builtin/index.js';
import { ReportSchema } from '../../src/report/schema.js';
import { FakeHost, type Scenario } from './support/fake-host.js';
import { at, deployment, dnsScenario, poolScenario } from './support/scenarios.js';

async function run(scenario: Scenario, incident = 'customers report errors') {
  const host = new FakeHost(scenario);
  const events: AgentEvent[] = [];
  const report = await createBuiltinEngine(host).analyze({ incident, onEvent: (event) => events.push(event) });
  return { report, events, host };
}

/** Everything but the timings, which are the only thing allowed to differ between runs. */
function stable(report: Report) {
  return { ...report, durationMs: 0, toolCalls: report.toolCalls.map((call) => ({ ...call, ms: 0 })) };
}

describe('builtin engine on synthetic incidents', () => {
  test('blames the pool change on the failing service, not the closer unrelated deploy nor the later one', async () => {
    const { report } = await run(poolScenario());
    expect(ReportSchema.parse(report)).toBeTruthy();
    expect(report.engine).toBe('builtin');
    expect(report.suspect).toEqual({ kind: 'deployment', id: 'rel-7', service: 'ledger' });
    expect(['medium', 'high']).toContain(report.confidence);
    expect(`${report.summary} ${report.rootCause}`.toLowerCase()).toContain('pool');
    expect(report.recommendations[0]).toContain('rel-7');
    expect(report.alternatives?.length).toBeGreaterThan(0);
  });

  test('no change explains resolver errors: a dependency cause, named as DNS', async () => {
    const { report } = await run(dnsScenario());
    expect(report.suspect?.kind).toBe('dependency');
    expect(report.suspect?.service).toBe('gateway');
    expect(report.summary).toContain('DNS');
    expect(report.recommendations.join(' ')).toMatch(/DNS/);
  });

  test('a change made after the onset is never the suspect', async () => {
    const scenario = dnsScenario();
    scenario.deployments = [deployment('hotfix-1', 20, 'gateway', [], 'Fix DNS resolver hostname lookup for identity provider')];
    scenario.commits = [];
    const { report } = await run(scenario);
    expect(report.suspect?.id).not.toBe('hotfix-1');
    expect(report.suspect?.kind).toBe('dependency');
  });

  test('every evidence item cites a real call and quotes its output verbatim; the timeline cites evidence', async () => {
    const { report, host } = await run(poolScenario());
    expect(report.evidence.length).toBeGreaterThanOrEqual(4);
    const ids = new Set(report.evidence.map((item) => item.id));
    const callIds = new Set(report.toolCalls.map((call) => call.id));
    for (const item of report.evidence) {
      expect(callIds.has(item.tool)).toBe(true);
      expect(item.quote, item.summary).toBeDefined();
    }
    const outputs = await Promise.all(report.toolCalls.map((call) => host.callTool(call.tool, call.args)));
    for (const item of report.evidence) {
      const index = report.toolCalls.findIndex((call) => call.id === item.tool);
      expect(outputs[index]?.text).toContain(item.quote);
    }
    for (const entry of report.timeline) for (const ref of entry.evidence ?? []) expect(ids.has(ref)).toBe(true);
    expect(report.timeline.map((entry) => entry.at)).toEqual([...report.timeline.map((entry) => entry.at)].sort());
  });

  test('emits paired tool events, a note and one final event carrying the report', async () => {
    const { report, events } = await run(poolScenario());
    const started = events.filter((event) => event.type === 'tool_started').length;
    expect(started).toBe(report.toolCalls.length);
    expect(events.filter((event) => event.type === 'tool_finished').length).toBe(started);
    expect(events.some((event) => event.type === 'note')).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'final', report });
    // Its stages, in order, each before the tool calls it makes.
    expect(events.flatMap((event) => (event.type === 'stage' ? [event.title] : []))).toEqual([
      'Finding the services, metrics and time range',
      'Looking for metric anomalies and error rates',
      'Reading deployments and commits',
      'Comparing error signatures before and after the onset',
    ]);
    expect(events.findIndex((event) => event.type === 'stage')).toBeLessThan(events.findIndex((event) => event.type === 'tool_started'));
  });

  test('is deterministic: the same incident gives the same report, timings aside', async () => {
    const first = await run(poolScenario());
    const second = await run(poolScenario());
    expect(stable(second.report)).toEqual(stable(first.report));
  });

  test('looks back from the dataset time, not the wall clock', async () => {
    const { host } = await run(poolScenario());
    const anomalies = host.calls.find((call) => call.name === 'get_anomalies');
    expect(anomalies?.args.until).toBe(new Date(at(0)).toISOString());
    expect(anomalies?.args.since).toBe(new Date(at(360)).toISOString());
  });

  test('the evidence pack is compact and carries the conclusion and citable evidence', async () => {
    const { report } = await run(poolScenario());
    const pack = buildEvidencePack(report);
    expect(pack).toContain(report.summary);
    expect(pack).toContain('rel-7');
    expect(pack).toMatch(/E1 from T\d+/);
    expect(pack.length).toBeLessThanOrEqual(4000);
  });
});
