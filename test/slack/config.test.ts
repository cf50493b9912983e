import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { loadSlackConfig, parseDuration, slackMode } from '../../src/slack/config.js';
import { EXIT_NOT_CONFIGURED, launch } from '../../src/slack/launch.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-A-1-abc' };

function errorOf(env: NodeJS.ProcessEnv): string {
  try {
    loadSlackConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('Slack configuration', () => {
  it('applies defaults and picks Socket Mode with an app token, HTTP mode without', () => {
    const config = loadSlackConfig({ ...base, ALERT_CHANNELS: 'C0ALERTS, G0PRIVATE' });
    expect(config).toMatchObject({
      PORT: 3000,
      ANALYSIS_CONCURRENCY: 2,
      QUEUE_MAX: 10,
      ALERT_COOLDOWN: 15 * 60_000,
      ALERT_CHANNELS: ['C0ALERTS', 'G0PRIVATE'],
    });
    expect(slackMode(config)).toBe('socket');
    expect(slackMode(loadSlackConfig({ SLACK_BOT_TOKEN: base.SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET: 'abcdef0123456789' }))).toBe('http');
    expect(loadSlackConfig({ ...base, SLACK_API_URL: 'http://127.0.0.1:9999/api' }).SLACK_API_URL).toBe('http://127.0.0.1:9999/api/');
  });

  it('names the variable and where to get it', () => {
    expect(errorOf({ SLACK_BOT_TOKEN: 'xoxp-user' })).toMatch(/SLACK_BOT_TOKEN: .*xoxb-.*OAuth & Permissions/);
    expect(errorOf({ SLACK_BOT_TOKEN: base.SLACK_BOT_TOKEN })).toMatch(/SLACK_SIGNING_SECRET: .*Signing Secret.*SLACK_APP_TOKEN/);
    expect(errorOf({ ...base, ALERT_CHANNELS: '#alerts' })).toMatch(/ALERT_CHANNELS: .*channel ids/);
    expect(errorOf({ ...base, ALERT_COOLDOWN: 'soon' })).toMatch(/ALERT_COOLDOWN: .*duration/);
    expect(errorOf({ ...base, ANALYSIS_CONCURRENCY: '0' })).toMatch(/ANALYSIS_CONCURRENCY/);
    expect(errorOf({ ...base, ALERT_WEBHOOK_TOKEN: 'short' })).toMatch(/ALERT_WEBHOOK_TOKEN: too short.*16/);
    expect(errorOf({ ...base, ALERT_WEBHOOK_CHANNEL: '#alerts' })).toMatch(/ALERT_WEBHOOK_CHANNEL: expected a channel id/);
    const webhooks = loadSlackConfig({ ...base, ALERT_WEBHOOK_TOKEN: ' 0123456789abcdef0123 ', ALERT_WEBHOOK_CHANNEL: 'C0HOOK' });
    expect(webhooks).toMatchObject({ ALERT_WEBHOOK_TOKEN: '0123456789abcdef0123', ALERT_WEBHOOK_CHANNEL: 'C0HOOK' });
    expect(loadSlackConfig({ ...base, ALERT_WEBHOOK_TOKEN: '' }).ALERT_WEBHOOK_TOKEN).toBeUndefined();
  });

  it('never echoes secret values in errors', () => {
    expect(errorOf({ SLACK_BOT_TOKEN: 'xoxb-secretvalue', SLACK_APP_TOKEN: 'bad-apptoken-secret' })).not.toContain('apptoken-secret');
  });

  it('parses durations', () => {
    expect([parseDuration('15m'), parseDuration('90s'), parseDuration('1h'), parseDuration('250'), parseDuration('x')]).toEqual([
      900_000,
      90_000,
      3_600_000,
      250,
      undefined,
    ]);
  });
});

describe('launch (npm start)', () => {
  it('without Slack tokens exits 2 and points to npm run rca, before touching the engine', async () => {
    const lines: string[] = [];
    let runtimeBuilt = false;
    const result = await launch({}, { error: (line) => lines.push(line) }, async () => {
      runtimeBuilt = true;
      throw new Error('not reached');
    });
    expect(result).toEqual({ ok: false, exitCode: EXIT_NOT_CONFIGURED });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/SLACK_BOT_TOKEN.*npm run rca/);
    expect(runtimeBuilt).toBe(false);
  });

  it('a malformed variable exits 2 with the message naming it', async () => {
    const lines: string[] = [];
    const result = await launch({ ...base, PORT: 'eighty' }, { error: (line) => lines.push(line) }, async () => {
      throw new Error('not reached');
    });
    expect(result).toEqual({ ok: false, exitCode: EXIT_NOT_CONFIGURED });
    expect(lines.join('\n')).toMatch(/PORT/);
  });

  it('SLACK_STREAMING: auto by default (blank too), off, any case; anything else names the variable', () => {
    expect(loadSlackConfig(base).SLACK_STREAMING).toBe('auto');
    expect(loadSlackConfig({ ...base, SLACK_STREAMING: ' ' }).SLACK_STREAMING).toBe('auto');
    expect(loadSlackConfig({ ...base, SLACK_STREAMING: 'OFF' }).SLACK_STREAMING).toBe('off');
    expect(loadSlackConfig({ ...base, SLACK_STREAMING: 'auto' }).SLACK_STREAMING).toBe('auto');
    expect(errorOf({ ...base, SLACK_STREAMING: 'on' })).toMatch(/SLACK_STREAMING: expected auto or off/);
  });

  it('state settings: defaults, and a bad value names the variable', () => {
    expect(loadSlackConfig(base)).toMatchObject({
      STATE_PATH: '.state/incidentpilot.db',
      STATE_RETENTION_DAYS: 90,
      SHUTDOWN_GRACE_MS: 30_000,
      SLACK_HTTP_TIMEOUT_MS: 10_000,
      SLACK_RETRY_MAX_MS: 60_000,
    });
    expect(errorOf({ ...base, STATE_RETENTION_DAYS: '0' })).toMatch(/STATE_RETENTION_DAYS: expected a whole number from 1/);
    expect(errorOf({ ...base, SHUTDOWN_GRACE_MS: 'soon' })).toMatch(/SHUTDOWN_GRACE_MS/);
  });

  it('a corrupt STATE_PATH exits 2 naming the file, before the engine starts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ip-launch-'));
    const file = path.join(dir, 'state.db');
    writeFileSync(file, 'not sqlite at all, just some text that is long enough to have a header. '.repeat(50));
    const lines: string[] = [];
    let runtimeBuilt = false;
    const result = await launch({ ...base, STATE_PATH: file }, { error: (line) => lines.push(line) }, async () => {
      runtimeBuilt = true;
      throw new Error('not reached');
    });
    rmSync(dir, { recursive: true, force: true });
    expect(result).toEqual({ ok: false, exitCode: EXIT_NOT_CONFIGURED });
    expect(lines.join('\n')).toContain(`STATE_PATH ${file}: cannot open the state database`);
    expect(runtimeBuilt).toBe(false);
  });
});
