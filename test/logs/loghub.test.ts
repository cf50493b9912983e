import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../mcp-servers/logs/types.js';
import { call, connect, iso, LOGHUB, readEntries } from './helpers.js';

/** Every excerpt line is a head line in its format: nothing may fall through as unparsed. */
async function entries(system: string): Promise<LogEntry[]> {
  const all = await readEntries(path.join(LOGHUB, `${system}_excerpt.log`), `${system}_excerpt.log`, system.toLowerCase());
  const unparsed = all.filter((e) => e.time === null || e.level === null);
  expect(unparsed.map((e) => e.raw)).toEqual([]);
  return all;
}

function levels(all: LogEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of all) out[e.level ?? 'null'] = (out[e.level ?? 'null'] ?? 0) + 1;
  return out;
}

describe('loghub formats (real excerpts)', () => {
  it('Apache error log', async () => {
    const all = await entries('Apache');
    expect(all).toHaveLength(170);
    expect(iso(all[0]!.time)).toBe('2005-12-04T04:47:44.000Z');
    expect(all[0]).toMatchObject({ level: 'info', service: 'apache', message: 'workerEnv.init() ok /etc/httpd/conf/workers2.properties' });
    expect(all[1]).toMatchObject({ level: 'error', message: 'mod_jk child workerEnv in error state 6' });
    expect(levels(all)).toEqual({ info: expect.any(Number), error: expect.any(Number) });
    expect(levels(all).error).toBeGreaterThan(30);
  });

  it('HDFS (two-digit years, pid, WARN)', async () => {
    const all = await entries('HDFS');
    expect(iso(all[0]!.time)).toBe('2008-11-09T20:36:15.000Z');
    expect(all[0]!.message).toBe('dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating');
    const warn = all.find((e) => e.level === 'warn');
    expect(warn?.message).toContain('Got exception while serving blk_-2918118818249673980');
    expect(iso(warn!.time)).toBe('2008-11-09T21:40:43.000Z');
    expect(levels(all).warn).toBe(51);
  });

  it('OpenStack nova (service from the file-name prefix, WARNING → warn)', async () => {
    const all = await entries('OpenStack');
    expect(all[0]).toMatchObject({ service: 'nova-api', level: 'info' });
    expect(iso(all[0]!.time)).toBe('2017-05-16T00:00:00.008Z');
    expect(all[0]!.message.startsWith('nova.osapi_compute.wsgi.server [req-38101a0b')).toBe(true);
    const services = new Set(all.map((e) => e.service));
    expect(services).toEqual(new Set(['nova-api', 'nova-compute', 'nova-scheduler']));
    const warn = all.find((e) => e.level === 'warn');
    expect(warn).toMatchObject({ service: 'nova-compute' });
    expect(warn!.message).toContain('Unknown base file');
  });

  it('Spark (yy/MM/dd)', async () => {
    const all = await entries('Spark');
    expect(all).toHaveLength(140);
    expect(iso(all[0]!.time)).toBe('2017-06-09T20:10:40.000Z');
    expect(all[0]).toMatchObject({
      level: 'info',
      service: 'spark',
      message: 'executor.CoarseGrainedExecutorBackend: Registered signal handlers for [TERM, HUP, INT]',
    });
  });

  it('ZooKeeper (" - LEVEL [thread] - message"; the thread is not a service)', async () => {
    const all = await entries('Zookeeper');
    expect(iso(all[0]!.time)).toBe('2015-07-29T17:41:44.747Z');
    expect(all[0]).toMatchObject({ level: 'info', service: 'zookeeper' });
    expect(all[0]!.message).toContain('Notification time out: 3200');
    expect(levels(all)).toEqual({ info: 25, warn: 140, error: 5 });
    expect(new Set(all.map((e) => e.service))).toEqual(new Set(['zookeeper']));
  });

  it('BGL (epoch seconds plus micros; FATAL, SEVERE → error, WARNING)', async () => {
    const all = await entries('BGL');
    expect(iso(all[0]!.time)).toBe('2005-06-03T22:42:50.675Z');
    expect(all[0]).toMatchObject({ level: 'info', message: 'RAS KERNEL: instruction cache parity error corrected' });
    expect(levels(all)).toEqual({ info: 99, fatal: 46, error: 15, warn: 5 });
  });

  it('error_summary over the excerpts groups real messages into few signatures', async () => {
    const conn = await connect({ logsPath: LOGHUB, now: new Date('2020-01-01T00:00:00Z') });
    try {
      const r = await call(conn.client, 'error_summary', { service: 'Zookeeper_excerpt', limit: 3 });
      expect(r.isError).toBe(false);
      // 145 warnings and errors from a handful of templates (the loghub template list has 8 for these lines).
      expect(r.structured.totalWarnings + r.structured.totalErrors).toBe(145);
      expect(r.structured.distinctSignatures).toBeLessThan(15);
      expect(r.structured.signatures[0].count).toBeGreaterThan(20);
    } finally {
      await conn.close();
    }
  });
});
