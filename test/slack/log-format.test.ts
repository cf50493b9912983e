import { LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { fieldsOf, formatLogLine, LineLogger } from '../../src/observability/log.js';

const AT = new Date('2026-12-07T10:00:00.000Z');

describe('LOG_FORMAT', () => {
  it('json: one object per line with the analysis id and channel a line names', () => {
    const line = formatLogLine('json', 'info', 'bolt-app', 'analysis A12-0123456789 done in channel C0INCIDENT1 after 3.2 s', AT);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      time: '2026-12-07T10:00:00.000Z',
      level: 'info',
      name: 'bolt-app',
      message: 'analysis A12-0123456789 done in channel C0INCIDENT1 after 3.2 s',
      analysis: 'A12-0123456789',
      channel: 'C0INCIDENT1',
    });
  });

  it('json: a message with line breaks (a stack) stays one line', () => {
    const line = formatLogLine('json', 'error', 'incidentpilot', 'uncaught exception: Error: x\n    at f (a.js:1:1)', AT);
    expect(line.match(/\n/g)).toHaveLength(1);
    expect(JSON.parse(line).message).toContain('\n    at f');
  });

  it('text: the human format, unchanged', () => {
    expect(formatLogLine('text', 'warn', 'incidentpilot', 'mcp git: restarting', AT)).toBe(
      '2026-12-07T10:00:00.000Z [WARN] incidentpilot: mcp git: restarting\n',
    );
  });

  it('fields: MCP server lines, tool calls, and lines that name nothing', () => {
    expect(fieldsOf('mcp logs: started with 4 tools in 300 ms (pid 12)')).toEqual({ server: 'logs' });
    expect(fieldsOf('mcp metrics stderr: ready')).toEqual({ server: 'metrics' });
    expect(fieldsOf('analysis A3-abcdef0123: tool call logs.search_logs failed')).toEqual({
      analysis: 'A3-abcdef0123',
      server: 'logs',
      tool: 'search_logs',
    });
    expect(fieldsOf('Socket Mode connection lost; reconnecting')).toEqual({});
    // Not an id: too few hex digits, or a word in an incident text.
    expect(fieldsOf('analysis A3-abc failed; Checkout is slow')).toEqual({});
  });

  it('LineLogger drops lines below its level', () => {
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      written.push(chunk);
      return true;
    }) as typeof process.stderr.write;
    try {
      const logger = new LineLogger('json', LogLevel.WARN);
      logger.info('analysis A1-0000000000 started');
      logger.warn('analysis A1-0000000000 slow');
      logger.setLevel(LogLevel.DEBUG);
      logger.debug('detail');
    } finally {
      process.stderr.write = original;
    }
    expect(written.map((line) => JSON.parse(line).message)).toEqual(['analysis A1-0000000000 slow', 'detail']);
  });
});
