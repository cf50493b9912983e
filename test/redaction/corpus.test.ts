import { afterEach, describe, expect, it } from 'vitest';
import {
  configuredRedactor,
  configureRedaction,
  DEFAULT_REDACTION,
  isSecretKey,
  luhnValid,
  parseRedactionEnv,
  Redactor,
  redactSecrets,
} from '../../src/redaction/index.js';
import { mrkdwn } from '../../src/slack/blocks/text.js';
import { NEAR_MISSES, SECRET_SAMPLES } from './corpus.js';

describe('redaction corpus', () => {
  for (const sample of SECRET_SAMPLES) {
    it(`removes ${sample.kind}: ${sample.line.slice(0, 50).replace(/\n/g, ' ')}`, () => {
      const out = new Redactor().text(sample.line);
      expect(out).not.toContain(sample.secret);
      expect(out).toMatch(new RegExp(`\\[REDACTED:${sample.kind}#1\\]`));
    });
  }

  for (const line of NEAR_MISSES) {
    it(`keeps: ${line}`, () => {
      expect(new Redactor().text(line)).toBe(line);
    });
  }

  it('numbers distinct values per kind and repeats the number for the same value', () => {
    const redactor = new Redactor();
    const a = redactor.text('svc-a token=aaaa1111bbbb svc-b token=cccc2222dddd');
    const b = redactor.text('svc-c token=aaaa1111bbbb');
    expect(a).toBe('svc-a token=[REDACTED:token#1] svc-b token=[REDACTED:token#2]');
    expect(b).toBe('svc-c token=[REDACTED:token#1]');
  });

  it('is idempotent: redacting redacted text changes nothing', () => {
    const redactor = new Redactor();
    const all = SECRET_SAMPLES.map((sample) => sample.line).join('\n');
    const once = redactor.text(all);
    expect(redactor.text(once)).toBe(once);
    expect(new Redactor().text(once)).toBe(once);
  });

  it('redacts structured content, including values under secret-looking keys', () => {
    const redactor = new Redactor();
    const out = redactor.value({
      entries: [{ message: 'login as postgres://u:pw-123456@db/x', service: 'orders' }],
      config: { apiKey: 'plain-looking-value', retries: 3, nested: { sessionId: 'abc123def456' } },
    });
    expect(JSON.stringify(out)).not.toMatch(/pw-123456|plain-looking-value|abc123def456/);
    expect(out.config.retries).toBe(3);
    expect(out.entries[0]?.service).toBe('orders');
  });

  it('leaves e-mail addresses when REDACT_EMAILS=false and redacts IPs only when REDACT_IPS=true', () => {
    const line = 'mail to ops@example.com from 10.20.30.40 and fe80::1ff:fe23:4567:890a';
    expect(new Redactor(parseRedactionEnv({ REDACT_EMAILS: 'false' })).text(line)).toBe(line);
    const both = new Redactor(parseRedactionEnv({ REDACT_IPS: 'true' })).text(line);
    expect(both).toBe('mail to [REDACTED:email#1] from [REDACTED:ip#1] and [REDACTED:ip#2]');
  });

  it("applies a company's own RE2 patterns from REDACT_EXTRA_PATTERNS", () => {
    const options = parseRedactionEnv({ REDACT_EXTRA_PATTERNS: '{"employee_id": "EMP-[0-9]{6}"}' });
    expect(new Redactor(options).text('badge EMP-004211 and EMP-004211, EMP-12')).toBe(
      'badge [REDACTED:employee_id#1] and [REDACTED:employee_id#1], EMP-12',
    );
  });

  it('rejects bad REDACT_EXTRA_PATTERNS naming the variable and the kind', () => {
    expect(() => parseRedactionEnv({ REDACT_EXTRA_PATTERNS: 'EMP-[0-9]+' })).toThrow(/REDACT_EXTRA_PATTERNS: not JSON/);
    expect(() => parseRedactionEnv({ REDACT_EXTRA_PATTERNS: '{"emp": "(a)\\\\1"}' })).toThrow(/REDACT_EXTRA_PATTERNS: .*"emp"/);
    expect(() => parseRedactionEnv({ REDACT_EXTRA_PATTERNS: '{"Bad Kind": "x"}' })).toThrow(/REDACT_EXTRA_PATTERNS: kind "Bad Kind"/);
    expect(() => parseRedactionEnv({ REDACT_EMAILS: 'maybe' })).toThrow(/REDACT_EMAILS: expected true or false/);
  });

  it('checks card numbers with Luhn, so a random 16-digit number survives', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(redactSecrets('id 4111 1111 1111 1112')).toBe('id 4111 1111 1111 1112');
  });

  it('redacts a truncated PEM body with no END line', () => {
    const out = redactSecrets('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ');
    expect(out).toBe('[REDACTED:private_key#1]');
  });
});

describe('structured content under secret names (issue 21)', () => {
  it('replaces every element of an array under a secret key, not only a bare string', () => {
    const out = new Redactor().value({ password: ['ArrPw-1', 'ArrPw-2'], headers: { Authorization: ['Token ArrAuth-3'] }, ok: ['x'] });
    expect(JSON.stringify(out)).not.toMatch(/ArrPw-1|ArrPw-2|ArrAuth-3/);
    expect(out.password).toEqual(['[REDACTED:password#1]', '[REDACTED:password#2]']);
    expect(out.ok).toEqual(['x']);
  });

  it('redacts the value of a name/value pair whose name is secret, and keeps one whose name is not', () => {
    const out = new Redactor().value({
      env: [
        { name: 'DB_PASSWORD', value: 'K8sPw-4' },
        { name: 'LOG_LEVEL', value: 'debug' },
      ],
      har: [{ name: 'X-Api-Key', value: 'HarKey-5' }],
      postman: [{ key: 'client_secret', value: 'PmSecret-6' }],
    });
    expect(JSON.stringify(out)).not.toMatch(/K8sPw-4|HarKey-5|PmSecret-6/);
    expect(out.env[1]).toEqual({ name: 'LOG_LEVEL', value: 'debug' });
    expect(out.env[0]).toEqual({ name: 'DB_PASSWORD', value: '[REDACTED:password#1]' });
  });

  it('redacts the second element of a header tuple whose first is a secret name', () => {
    const out = new Redactor().value({
      rawHeaders: [
        ['Cookie', 'sid=Tuple-7'],
        ['Accept', '*/*'],
      ],
    });
    expect(out.rawHeaders).toEqual([
      ['Cookie', '[REDACTED:session#1]'],
      ['Accept', '*/*'],
    ]);
  });

  it('decides secret names by words: near-miss names keep their values', () => {
    const out = new Redactor().value({ token_count: 'five', passenger: 'Bob', keyboard: 'us', password_reset_url: '/reset', sigterm: 'x' });
    expect(out).toEqual({ token_count: 'five', passenger: 'Bob', keyboard: 'us', password_reset_url: '/reset', sigterm: 'x' });
  });
});

describe('secret names by words', () => {
  const secret = [
    'pass',
    'passwd',
    'pwd',
    'secret',
    'token',
    'apikey',
    'api_key',
    'x-api-key',
    'client_secret',
    'AccountKey',
    'SharedAccessKey',
    'sig',
    'Ocp-Apim-Subscription-Key',
    'cookie',
    'Set-Cookie',
    'session',
    'JSESSIONID',
    'PHPSESSID',
    'credential',
    'GOOGLE_CREDENTIALS',
    'private_key',
    'PRIVATE-KEY',
    'privateKey',
    'DBPASSWORD',
    'dbPassword',
    'db.password',
    'Authorization',
    'aws_secret_access_key',
    'session_id',
  ];
  const readable = [
    'token_count',
    'password_reset_url',
    'keyboard',
    'passenger',
    'sigterm',
    'bypass',
    'primary_key',
    'key',
    'max_tokens',
    'secret_name',
    'session_timeout',
    'token_type',
    'SharedAccessKeyName',
    'password_file',
    'signal',
    'author',
  ];
  for (const name of secret) it(`${name} is secret`, () => expect(isSecretKey(name)).toBe(true));
  for (const name of readable) it(`${name} is not`, () => expect(isSecretKey(name)).toBe(false));
});

describe('one configured redaction per process', () => {
  afterEach(() => configureRedaction(DEFAULT_REDACTION));

  it("stateless redaction (Slack blocks, logs, stored text) follows the operator's settings once configured", () => {
    const line = 'from 10.20.30.40 by EMP-004211';
    expect(redactSecrets(line)).toBe(line);
    configureRedaction(parseRedactionEnv({ REDACT_IPS: 'true', REDACT_EXTRA_PATTERNS: '{"employee_id": "EMP-[0-9]{6}"}' }));
    expect(redactSecrets(line)).toBe('from [REDACTED:ip#1] by [REDACTED:employee_id#1]');
    expect(mrkdwn(line, 200)).toBe('from [REDACTED:ip#1] by [REDACTED:employee_id#1]');
    expect(configuredRedactor().value({ instance: '10.20.30.40:9100' })).toEqual({ instance: '[REDACTED:ip#1]:9100' });
  });
});
