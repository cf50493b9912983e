import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { loadSlackConfig } from '../../src/slack/config.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-A-1-abc' };

describe('state store configuration', () => {
  it('SQLite at STATE_PATH is the default; STATE_URL and its files are read when set', () => {
    const defaults = loadSlackConfig(base);
    expect(defaults.STATE_PATH).toBe('.state/incidentpilot.db');
    expect(defaults.STATE_URL).toBeUndefined();
    const pg = loadSlackConfig({
      ...base,
      STATE_URL: 'postgresql://bot@db.internal:5432/incidentpilot?sslmode=verify-full',
      STATE_PASSWORD_FILE: '/run/secrets/pg',
      STATE_CA_FILE: '/etc/ssl/pg-ca.pem',
    });
    expect(pg).toMatchObject({ STATE_PASSWORD_FILE: '/run/secrets/pg', STATE_CA_FILE: '/etc/ssl/pg-ca.pem' });
    expect(pg.STATE_URL).toMatch(/^postgresql:\/\/bot@db\.internal/);
    expect(loadSlackConfig({ ...base, STATE_URL: '  ' }).STATE_URL).toBeUndefined();
  });

  it('a STATE_URL that is not postgres:// is named, without echoing its password', () => {
    const bad = () => loadSlackConfig({ ...base, STATE_URL: 'mysql://root:hunter2-secret@db/x' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/STATE_URL: expected postgres:\/\/user@host:5432\/database/);
    expect(bad).not.toThrow(/hunter2-secret/);
  });
});
