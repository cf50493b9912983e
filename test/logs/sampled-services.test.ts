import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ListServicesOutput } from '../../mcp-servers/logs/schemas.js';
import { call, connect, tempDir } from './helpers.js';

/** Mirrors the sampler's spacing (256 places of 32 KB over the file) to put a line where no sample reads. */
const PLACES = 256;
const SAMPLE = 32 * 1024;

const start = Date.parse('2024-05-01T00:00:00Z');
const services = ['api', 'api', 'api', 'api', 'api', 'api', 'worker', 'worker', 'worker', 'billing'];

/** ~12 MB: api 60%, worker 30%, billing 10% of entries; one api line in 50 an error; an audit line in one gap. */
function writeBigLog(file: string): { lines: string[]; truth: Map<string, { entries: number; errors: number }> } {
  const lines: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < 12 * 1024 * 1024; i++) {
    const service = services[i % services.length] as string;
    const error = service === 'api' && i % 50 === 0;
    const line = `${new Date(start + i * 1000).toISOString()} ${error ? 'ERROR' : 'INFO'} [${service}] request ${i} handled in ${i % 97}ms`;
    lines.push(line);
    bytes += line.length + 1;
  }
  // Replace one line in the middle of a gap between two samples with an audit line of the same length.
  const size = bytes;
  const span = size - SAMPLE;
  const gapStart = Math.round((span * 128) / (PLACES - 1)) + SAMPLE;
  const gapEnd = Math.round((span * 129) / (PLACES - 1));
  const target = Math.floor((gapStart + gapEnd) / 2);
  let offset = 0;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k] as string;
    if (offset + line.length >= target) {
      const audit = `${line.slice(0, 24)} WARN [audit] retention sweep`;
      lines[k] = audit.padEnd(line.length, '.').slice(0, line.length);
      break;
    }
    offset += line.length + 1;
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  const truth = new Map<string, { entries: number; errors: number }>();
  for (const line of lines) {
    const service = /\[([a-z]+)\]/.exec(line)?.[1] as string;
    const t = truth.get(service) ?? { entries: 0, errors: 0 };
    t.entries += 1;
    if (line.includes(' ERROR ')) t.errors += 1;
    truth.set(service, t);
  }
  return { lines, truth };
}

describe('list_services on big files: sampled, marked as estimates; an unknown service is still checked exactly', () => {
  const dir = tempDir('logs-sampled-');
  const { lines, truth } = writeBigLog(path.join(dir, 'app.log'));
  const now = new Date(start + lines.length * 1000);

  it('estimates each service from samples within 15%, with the file’s first and last times and a note', async () => {
    const c = await connect({ logsPath: dir, now, sampleStatsMinBytes: 1024 * 1024 });
    try {
      const r = await call(c.client, 'list_services', {});
      expect(r.isError, r.text).toBe(false);
      const out = ListServicesOutput.parse(r.structured);
      for (const name of ['api', 'worker', 'billing']) {
        const row = out.services.find((s) => s.service === name);
        const want = truth.get(name) as { entries: number };
        expect(row?.estimated, name).toBe(true);
        expect(Math.abs((row?.entries ?? 0) - want.entries) / want.entries, name).toBeLessThan(0.15);
      }
      const api = out.services.find((s) => s.service === 'api');
      const apiErrors = (truth.get('api') as { errors: number }).errors;
      expect(Math.abs((api?.errors ?? 0) - apiErrors) / apiErrors).toBeLessThan(0.3);
      expect(out.services.map((s) => s.firstSeen).sort()[0]).toBe(new Date(start).toISOString());
      expect(out.notes?.join(' ')).toMatch(/app\.log \(\d+ MiB\) was sampled, not read whole/);
      expect(r.text).toMatch(/api: ~\d+ entries/);
      // The audit line sits between samples: list_services does not see it ...
      expect(out.services.some((s) => s.service === 'audit')).toBe(false);
      // ... yet a search filtered to that service is not refused as unknown: the file is searched for the name.
      const quiet = await call(c.client, 'search_logs', { pattern: 'no such text anywhere', service: 'audit' });
      expect(quiet.isError, quiet.text).toBe(false);
      expect(quiet.structured.total).toBe(0);
      const unknown = await call(c.client, 'search_logs', { pattern: 'request', service: 'payments' });
      expect(unknown.isError).toBe(true);
      expect(unknown.text).toMatch(/unknown service "payments"; known: api, billing, worker/);
    } finally {
      await c.close();
    }
  });

  it('below the threshold the counts are exact and not marked', async () => {
    const c = await connect({ logsPath: dir, now });
    try {
      const out = ListServicesOutput.parse((await call(c.client, 'list_services', {})).structured);
      for (const [name, want] of truth) {
        const row = out.services.find((s) => s.service === name);
        expect(row, name).toMatchObject({ entries: want.entries, errors: want.errors });
        expect(row?.estimated).toBeUndefined();
      }
      expect(out.notes).toBeUndefined();
    } finally {
      await c.close();
    }
  });
});
