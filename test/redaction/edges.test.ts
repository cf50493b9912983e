import { afterEach, describe, expect, it } from 'vitest';
import type { ToolHost } from '../../src/agent/types.js';
import {
  configuredRedaction,
  configuredRedactor,
  configureRedaction,
  DEFAULT_REDACTION,
  isSecretKey,
  luhnValid,
  parseRedactionEnv,
  Redactor,
  redactingHost,
  redactSecrets,
  SECRET_KINDS,
} from '../../src/redaction/index.js';
import { isHarmlessValue, kindForKey } from '../../src/redaction/keys.js';

/**
 * Redaction at its edges (issue 30): each length bound at, under and over its value, every word of the lists that
 * decide "harmless" and "kind", the numbering limit, the nesting limit, and the configuration's limits.
 */

const text = (line: string, options = DEFAULT_REDACTION) => new Redactor(options).text(line);

afterEach(() => configureRedaction(DEFAULT_REDACTION));

describe('card numbers', () => {
  it("Luhn's check counts 13 to 19 digits, separators ignored; 12 or 20 are never a card", () => {
    // Leading zeros leave Luhn's sum unchanged, so only the length decides these.
    expect(['0'.repeat(12), '0'.repeat(13), '0'.repeat(19), '0'.repeat(20)].map(luhnValid)).toEqual([false, true, true, false]);
    expect(['4111111111111111', '4111 1111 1111 1111', '5555555555554444', '4222222222222'].map(luhnValid)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['4111111111111112', '5555555555554445', '4222222222223'].map(luhnValid)).toEqual([false, false, false]);
  });

  it('an unseparated run is a card up to 16 digits; 17 to 19 only with separators', () => {
    expect(text('card 4111111111111111 paid')).toBe('card [REDACTED:card#1] paid');
    // 17 digits passing Luhn: a snowflake id, kept.
    expect(text('id 40000000000000006 done')).toBe('id 40000000000000006 done');
    expect(luhnValid('40000000000000006')).toBe(true);
    expect(text('card 4000 0000 0000 0000 006 done')).toBe('card [REDACTED:card#1] done');
  });
});

describe('numbering', () => {
  it('each kind numbers its own values; the same value keeps its number; the summary counts every replacement', () => {
    const redactor = new Redactor();
    const out = redactor.value({ password: 'alpha-1', token: 'alpha-1', db_password: 'beta-2', again: { password: 'alpha-1' } });
    expect(out).toEqual({
      password: '[REDACTED:password#1]',
      token: '[REDACTED:token#1]',
      db_password: '[REDACTED:password#2]',
      again: { password: '[REDACTED:password#1]' },
    });
    expect(redactor.summary()).toEqual({ password: 3, token: 1 });
  });

  it('numbers 10,000 distinct values per kind; past that a placeholder has no number, and known values keep theirs', () => {
    const redactor = new Redactor();
    for (let i = 1; i < 10_000; i++) redactor.value({ password: `value-${i}` });
    expect(redactor.value({ password: 'value-10000' })).toEqual({ password: '[REDACTED:password#10000]' });
    expect(redactor.value({ password: 'value-10001' })).toEqual({ password: '[REDACTED:password]' });
    expect(redactor.value({ password: 'value-7' })).toEqual({ password: '[REDACTED:password#7]' });
    // Another kind has its own count.
    expect(redactor.value({ token: 'value-10001' })).toEqual({ token: '[REDACTED:token#1]' });
    expect(redactor.summary().password).toBe(10_002);
  });
});

describe('structured values', () => {
  const nest = (levels: number, inner: unknown): unknown => (levels === 0 ? inner : { a: nest(levels - 1, inner) });

  it('follows 32 levels of nesting; a deeper value is replaced whole', () => {
    expect(new Redactor().value(nest(31, { note: 'password=hunter22' }))).toEqual(nest(31, { note: 'password=[REDACTED:password#1]' }));
    expect(new Redactor().value(nest(32, { note: 'kept' }))).toEqual(nest(32, '[REDACTED:too_deep]'));
    expect(new Redactor().value(nest(32, 'a string at any depth is redacted'))).toEqual(nest(32, 'a string at any depth is redacted'));
  });

  it('arrays under a secret name are followed to the same depth; deeper ones are replaced whole', () => {
    const arrays = (levels: number): unknown => (levels === 0 ? 'deep-secret-1' : [arrays(levels - 1)]);
    const shallow = JSON.stringify(new Redactor().value({ password: arrays(30) }));
    expect(shallow).toContain('[REDACTED:password#1]');
    const deep = JSON.stringify(new Redactor().value({ password: arrays(40) }));
    expect(deep).toContain('[REDACTED:too_deep]');
    expect(deep).not.toMatch(/deep-secret-1|password#/);
  });

  it('numbers, booleans and null pass through unless under a secret name; harmless values under it stay', () => {
    const out = new Redactor().value({ retries: 3, ok: true, none: null, pin_password: 1234567, password: 123456, secret: 'true' });
    expect(out).toEqual({ retries: 3, ok: true, none: null, pin_password: '[REDACTED:password#1]', password: 123456, secret: 'true' });
  });

  it('under a secret name every element of an array goes, and an object is walked by its own names', () => {
    const out = new Redactor().value({ passwords: ['one-1', ['two-2'], 3_000_000], token: { value: 'tok-1', type: 'bearer' } });
    expect(out).toEqual({
      passwords: ['[REDACTED:password#1]', ['[REDACTED:password#2]'], '[REDACTED:password#3]'],
      token: { value: 'tok-1', type: 'bearer' },
    });
  });

  it('a name/value pair: name or key decides, only with a value field; a header tuple only with exactly two items', () => {
    const r = new Redactor();
    expect(r.value({ name: 'DB_PASSWORD', value: 's3cr3t-a' })).toEqual({ name: 'DB_PASSWORD', value: '[REDACTED:password#1]' });
    expect(r.value({ key: 'X-Api-Key', value: 's3cr3t-b' })).toEqual({ key: 'X-Api-Key', value: '[REDACTED:api_key#1]' });
    expect(r.value({ name: 'LOG_LEVEL', value: 'debug' })).toEqual({ name: 'LOG_LEVEL', value: 'debug' });
    expect(r.value({ name: 42, value: 'plain' })).toEqual({ name: 42, value: 'plain' });
    expect(r.value({ name: 'DB_PASSWORD', default: 'plain' })).toEqual({ name: 'DB_PASSWORD', default: 'plain' });
    expect(r.value(['Authorization', 'Bearer-less-value'])).toEqual(['Authorization', '[REDACTED:authorization#1]']);
    expect(r.value(['Authorization', 'x1', 'x2'])).toEqual(['Authorization', 'x1', 'x2']);
    expect(r.value(['Accept', 'text/plain'])).toEqual(['Accept', 'text/plain']);
    expect(r.value([7, 'plain'])).toEqual([7, 'plain']);
  });

  it('the host redacts a tool result where it enters: text and structured content, and adds none', async () => {
    const calls: string[] = [];
    const host: ToolHost = {
      listTools: () => [],
      callTool: async (name: string) => {
        calls.push(name);
        return name === 'with_structured'
          ? { ok: true, text: 'password=hunter22', structured: { token: 'tok-123' }, ms: 1 }
          : { ok: true, text: 'token=tok-123', ms: 1 };
      },
    };
    const redactor = new Redactor();
    const wrapped = redactingHost(host, redactor);
    expect(await wrapped.callTool('with_structured', {})).toEqual({
      ok: true,
      ms: 1,
      text: 'password=[REDACTED:password#1]',
      structured: { token: '[REDACTED:token#1]' },
    });
    const plain = await wrapped.callTool('plain', {});
    expect(plain).toEqual({ ok: true, text: 'token=[REDACTED:token#1]', ms: 1 });
    expect('structured' in plain).toBe(false);
    expect(wrapped.listTools()).toEqual([]);
    expect(calls).toEqual(['with_structured', 'plain']);
  });
});

describe('names and values', () => {
  it('a name up to 100 characters is read; a longer one is prose', () => {
    expect(isSecretKey(`${'a'.repeat(91)}_password`)).toBe(true);
    expect(isSecretKey(`${'a'.repeat(92)}_password`)).toBe(false);
  });

  it('a glued suffix counts only after a prefix; short words never glue', () => {
    expect(['token', 'authtoken', 'dbpassword', 'xpass', 'bypass', 'sigterm'].map(isSecretKey)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(['api_key', 'primary_key', 'key', 'keys', 'client_keys'].map(isSecretKey)).toEqual([true, false, false, false, true]);
    expect(['password_reset_url', 'password_hunter', 'token_count', 'session_id_label'].map(isSecretKey)).toEqual([
      false,
      true,
      false,
      false,
    ]);
  });

  it('each kind a name implies', () => {
    const kinds: [string, string][] = [
      ['pass', 'password'],
      ['db_pwd', 'password'],
      ['DBPASSWORD', 'password'],
      ['passphrase', 'password'],
      ['my_passwd', 'password'],
      ['AWS_SECRET_ACCESS_KEY', 'aws_secret_key'],
      ['gcp_private_key', 'private_key'],
      ['Proxy-Authorization', 'authorization'],
      ['apikey', 'api_key'],
      ['AccessKey', 'api_key'],
      ['AccountKey', 'api_key'],
      ['x-api-key', 'api_key'],
      ['client_keys', 'api_key'],
      ['secret_key', 'secret'],
      ['refresh_token', 'token'],
      ['Cookie', 'session'],
      ['JSESSIONID', 'session'],
      ['client_secret', 'secret'],
      ['dsn', 'secret'],
    ];
    expect(kinds.map(([name]) => [name, kindForKey(name)])).toEqual(kinds);
  });

  it('every harmless marker is harmless in any case and with spaces; six digits are, seven are not', () => {
    const markers = [
      'true',
      'false',
      'yes',
      'no',
      'on',
      'off',
      'null',
      'nil',
      'none',
      'undefined',
      'redacted',
      '***',
      'xxxx',
      '<redacted>',
      '[redacted]',
      '[filtered]',
      'changeme',
      'enabled',
      'disabled',
      'required',
      'optional',
      'missing',
      'invalid',
      'expired',
      'unset',
      'empty',
      '',
      '  ',
      '[REDACTED:token#3]',
      '123456',
    ];
    expect(markers.filter((value) => !isHarmlessValue(` ${value.toUpperCase()} `))).toEqual([]);
    expect(['1234567', 'truex', 'xtrue', 'x*', '12a', '*x'].filter((value) => isHarmlessValue(value))).toEqual([]);
  });
});

describe('shapes at their bounds', () => {
  it('Basic needs a credential-looking value; Bearer takes any word of 12 characters, not 11', () => {
    expect(text('Basic authentication failed')).toBe('Basic authentication failed');
    expect(text('Basic dXNlcjpwYXNz')).toBe('Basic [REDACTED:authorization#1]');
    expect(text('Bearer abcdefghijkl')).toBe('Bearer [REDACTED:authorization#1]');
    expect(text('Bearer abcdefghijk')).toBe('Bearer abcdefghijk');
    expect(text('Bearer abcdefgh1')).toBe('Bearer [REDACTED:authorization#1]');
    expect(text('Bearer abcdefGhijk')).toBe('Bearer [REDACTED:authorization#1]');
    expect(text('Authorization: Bearer')).toBe('Authorization: Bearer');
    expect(text('Authorization: none')).toBe('Authorization: none');
  });

  it('a 40-character base64 run is an AWS secret only with upper, lower and a digit, and only at exactly 40', () => {
    const key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect(text(`k ${key} e`)).toBe('k [REDACTED:aws_secret_key#1] e');
    expect(text(`k ${key}A e`)).toBe(`k ${key}A e`);
    expect(text(`k ${key.slice(1)} e`)).toBe(`k ${key.slice(1)} e`);
    for (const sameCase of [key.toLowerCase(), key.toUpperCase(), key.replace(/[0-9]/g, 'x')]) {
      expect(text(`k ${sameCase} e`)).toBe(`k ${sameCase} e`);
    }
  });

  it('actor-system addresses are names; with a password they are credentials', () => {
    expect(text('akka.tcp://OrderSystem@10.0.0.1:2552')).toBe('akka.tcp://OrderSystem@10.0.0.1:2552');
    expect(text('akka.tcp://user:pw@10.0.0.1')).toBe('akka.tcp://[REDACTED:url_credentials#1]@10.0.0.1');
    expect(text('https://ghtoken@github.com/x')).toBe('https://[REDACTED:url_credentials#1]@github.com/x');
  });

  it('IPv4 octets up to 255; IPv6 needs a hex letter or five groups, at most four digits a group, one ::', () => {
    const ips = { ...DEFAULT_REDACTION, ips: true };
    expect(text('from 255.255.255.255 and 0.0.0.0', ips)).toBe('from [REDACTED:ip#1] and [REDACTED:ip#2]');
    expect(text('version 256.1.1.1 and 1.2.3.4.5', ips)).toBe('version 256.1.1.1 and 1.2.3.4.5');
    expect(text('at 14:03:22 from fe80::1', ips)).toBe('at 14:03:22 from [REDACTED:ip#1]');
    expect(text('1:2:3:4:5 and 1:2:3:4', ips)).toBe('[REDACTED:ip#1] and 1:2:3:4');
    expect(text('fe801:1:2 and fe80::1::2', ips)).toBe('fe801:1:2 and fe80::1::2');
    expect(text('from 10.1.2.3', DEFAULT_REDACTION)).toBe('from 10.1.2.3');
  });

  it('mysql -p glued is a password, -p with a space only asks for one; sshpass -p takes the next word', () => {
    expect(text('mysql -u root -phunter22 shop')).toBe('mysql -u root -p[REDACTED:password#1] shop');
    expect(text('mysql -u root -p shop')).toBe('mysql -u root -p shop');
    expect(text('sshpass -p hunter22 ssh host')).toBe('sshpass -p [REDACTED:password#1] ssh host');
    expect(text('app --password --verbose')).toBe('app --password --verbose');
    expect(text('curl -u deploy:changeme https://x')).toBe('curl -u deploy:changeme https://x');
  });
});

describe('settings', () => {
  it('the kinds line follows the options, extra kinds last', () => {
    expect(new Redactor().kinds()).toEqual([...SECRET_KINDS, 'email']);
    const all = new Redactor({ emails: false, ips: true, extra: [{ kind: 'employee', pattern: 'EMP-[0-9]{6}' }] });
    expect(all.kinds()).toEqual([...SECRET_KINDS, 'ip', 'employee']);
  });

  it('an extra pattern replaces each whole match; one that can match nothing adds no placeholder', () => {
    const r = new Redactor({ ...DEFAULT_REDACTION, extra: [{ kind: 'employee', pattern: 'EMP-[0-9]*' }] });
    expect(r.text('EMP-004211 and EMP-004211 and EMP-')).toBe('[REDACTED:employee#1] and [REDACTED:employee#1] and [REDACTED:employee#2]');
    const empty = new Redactor({ ...DEFAULT_REDACTION, extra: [{ kind: 'nothing', pattern: 'z*' }] });
    expect(empty.text('abc')).toBe('abc');
  });

  it('each flag spelling; 50 extra patterns are fine, 51 are not; a kind of 40 characters is fine, 41 is not', () => {
    for (const [value, on] of [
      ['true', true],
      ['1', true],
      ['yes', true],
      [' YES ', true],
      ['false', false],
      ['0', false],
      ['no', false],
      ['', false],
    ] as const) {
      expect(parseRedactionEnv({ REDACT_IPS: value }).ips, value).toBe(on);
    }
    expect(parseRedactionEnv({}).emails).toBe(true);
    expect(parseRedactionEnv({ REDACT_EMAILS: '' }).emails).toBe(true);
    expect(() => parseRedactionEnv({ REDACT_IPS: 'maybe' })).toThrow('REDACT_IPS: expected true or false');

    const patterns = (n: number) => JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'x'])));
    expect(parseRedactionEnv({ REDACT_EXTRA_PATTERNS: patterns(50) }).extra).toHaveLength(50);
    expect(() => parseRedactionEnv({ REDACT_EXTRA_PATTERNS: patterns(51) })).toThrow('REDACT_EXTRA_PATTERNS: at most 50 patterns');
    const kind = (name: string) => parseRedactionEnv({ REDACT_EXTRA_PATTERNS: JSON.stringify({ [name]: 'x' }) });
    expect(kind(`a${'b'.repeat(39)}`).extra).toHaveLength(1);
    expect(() => kind(`a${'b'.repeat(40)}`)).toThrow(/kind "a.*" must be lower-case letters/);
    expect(() => kind('1abc')).toThrow(/must be lower-case/);
    expect(() => kind('Abc')).toThrow(/must be lower-case/);
  });

  it('REDACT_EXTRA_PATTERNS: blank is none; not JSON, not an object, an empty pattern or bad RE2 are refused by name', () => {
    expect(parseRedactionEnv({ REDACT_EXTRA_PATTERNS: '  ' }).extra).toEqual([]);
    const refused: [string, RegExp][] = [
      ['{oops', /^REDACT_EXTRA_PATTERNS: not JSON \(.*\); expected \{"kind": "RE2 pattern", …\}/],
      ['["x"]', /^REDACT_EXTRA_PATTERNS: expected a JSON object/],
      ['null', /^REDACT_EXTRA_PATTERNS: expected a JSON object/],
      ['"x"', /^REDACT_EXTRA_PATTERNS: expected a JSON object/],
      ['{"k": ""}', /^REDACT_EXTRA_PATTERNS: pattern for "k" must be a non-empty string/],
      ['{"k": 5}', /^REDACT_EXTRA_PATTERNS: pattern for "k" must be a non-empty string/],
      ['{"k": "(a"}', /^REDACT_EXTRA_PATTERNS: pattern for "k" is not valid RE2/],
      ['{"k": "(a)\\\\1"}', /^REDACT_EXTRA_PATTERNS: pattern for "k" is not valid RE2/],
    ];
    for (const [value, message] of refused) expect(() => parseRedactionEnv({ REDACT_EXTRA_PATTERNS: value }), value).toThrow(message);
  });

  it('the configured settings reach every stateless redaction, and a fresh redactor numbers from one', () => {
    expect(configuredRedaction()).toBe(DEFAULT_REDACTION);
    const options = { emails: false, ips: true, extra: [{ kind: 'employee', pattern: 'EMP-[0-9]{6}' }] };
    configureRedaction(options);
    expect(configuredRedaction()).toBe(options);
    expect(redactSecrets('EMP-004211 at 10.1.2.3 by ops@example.com')).toBe('[REDACTED:employee#1] at [REDACTED:ip#1] by ops@example.com');
    const r = configuredRedactor();
    expect(r.text('EMP-000001')).toBe('[REDACTED:employee#1]');
    expect(configuredRedactor().text('EMP-000002')).toBe('[REDACTED:employee#1]');
  });
});
