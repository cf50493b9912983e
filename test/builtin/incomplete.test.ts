import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolHost } from '../../src/agent/types.js';
import { createBuiltinEngine } from '../../src/engines/builtin/index.js';
import { datasetHost } from '../../src/eval/servers.js';

/** A quiet period (routine deploy, nothing wrong) read with one source failing: never an all-clear. */
const QUIET = path.resolve(import.meta.dirname, '../evals/15-quiet-after-deploy/dataset');

/** Every call to one server's tools fails, as with a LOGS_PATH glob that stopped matching. */
function failing(host: ToolHost, server: string): ToolHost {
  return {
    listTools: () => host.listTools(),
    async callTool(name, args, options) {
      const tool = host.listTools().find((item) => item.name === name);
      if (tool?.server === server) return { ok: false, text: `Error: LOGS_PATH glob "/var/log/app/*.log" matched no files`, ms: 1 };
      return host.callTool(name, args, options);
    },
  };
}

describe('builtin engine: "nothing abnormal" only when every source answered', () => {
  it('says nothing abnormal when every source answered', async () => {
    const host = await datasetHost(QUIET);
    const report = await createBuiltinEngine(host).analyze({ incident: 'is checkout ok?' });
    expect(report.summary).toMatch(/^No anomaly found/);
    expect(report.incomplete).toBeUndefined();
  });

  it('turns the quiet verdict into "incomplete" when every logs call failed, naming the source and reason', async () => {
    const host = failing(await datasetHost(QUIET), 'logs');
    const report = await createBuiltinEngine(host).analyze({ incident: 'is checkout ok?' });
    expect(report.summary).toMatch(/^incomplete: logs unavailable \(Error: LOGS_PATH glob "\/var\/log\/app\/\*\.log" matched no files\)/);
    expect(`${report.summary} ${report.rootCause}`).not.toMatch(/no anomaly|nothing abnormal/i);
    expect(report.confidence).toBe('low');
    expect(report.incomplete).toEqual([{ source: 'logs', reason: 'Error: LOGS_PATH glob "/var/log/app/*.log" matched no files' }]);
    expect(report.recommendations[0]).toMatch(/^Bring back logs/);
  });

  it('does the same for a server the runtime reports down before the analysis', async () => {
    const host = await datasetHost(QUIET);
    const report = await createBuiltinEngine(host).analyze({
      incident: 'is checkout ok?',
      unavailable: [{ source: 'metrics', reason: 'did not start' }],
    });
    expect(report.summary).toMatch(/^incomplete: metrics unavailable \(did not start\)/);
  });
});
