import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prometheusBinaries } from '../support/prometheus.js';

/** The shipped alerting rules pass the real promtool's checks, and its unit tests see each one fire on time. */

const DIR = path.resolve(import.meta.dirname, '../../deploy/prometheus');
/** promtool starts in well under a second; a hang fails the test instead of the suite. */
const LIMIT_MS = 30_000;

function promtool(args: string[]): string {
  const { promtool } = prometheusBinaries();
  return execFileSync(promtool, args, { cwd: DIR, encoding: 'utf8', timeout: LIMIT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('alerting rules', () => {
  it('promtool check rules: three rules, no problems', () => {
    expect(promtool(['check', 'rules', 'incidentpilot-rules.yml'])).toMatch(/SUCCESS: 3 rules found/);
  });

  it('promtool test rules: queue full, MCP server down and Slack refusing posts each fire, and not before their time', () => {
    expect(promtool(['test', 'rules', 'incidentpilot-rules.test.yml'])).toMatch(/SUCCESS/);
  });
});
