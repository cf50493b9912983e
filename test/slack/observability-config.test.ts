import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { loadSlackConfig } from '../../src/slack/config.js';

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

describe('metrics and log configuration', () => {
  it('defaults: /metrics off, no token, text logs', () => {
    expect(loadSlackConfig(base)).toMatchObject({ METRICS_ENABLED: false, LOG_FORMAT: 'text' });
    expect(loadSlackConfig(base).METRICS_TOKEN).toBeUndefined();
  });

  it('METRICS_ENABLED, LOG_FORMAT in any case, a 16-character token', () => {
    const config = loadSlackConfig({ ...base, METRICS_ENABLED: 'TRUE', LOG_FORMAT: ' JSON ', METRICS_TOKEN: 'a'.repeat(16) });
    expect(config).toMatchObject({ METRICS_ENABLED: true, LOG_FORMAT: 'json', METRICS_TOKEN: 'a'.repeat(16) });
  });

  it('errors name the variable: a 15-character token, an unknown format, a non-boolean', () => {
    expect(errorOf({ ...base, METRICS_TOKEN: 'a'.repeat(15) })).toMatch(/METRICS_TOKEN: too short/);
    expect(errorOf({ ...base, LOG_FORMAT: 'logfmt' })).toMatch(/LOG_FORMAT: expected text or json/);
    expect(errorOf({ ...base, METRICS_ENABLED: 'sometimes' })).toMatch(/METRICS_ENABLED: expected true or false/);
  });
});
