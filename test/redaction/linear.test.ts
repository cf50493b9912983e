import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Redaction must never stall the event loop, whatever a log line contains. Each adversarial input runs in a child
 * process (the built module, as production runs it) that is killed after a hard timeout: a pattern that backtracks
 * catastrophically fails this test instead of hanging the suite.
 */

const REPO = path.resolve(import.meta.dirname, '../..');
const MODULE = path.join(REPO, 'dist/src/redaction/index.js');
/** Generous for ~200 KB per input on a loaded CI core; a super-linear pattern takes minutes on these inputs. */
const HARD_TIMEOUT_MS = 20_000;
const SIZE = 200_000;

const repeat = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

const ADVERSARIAL: Record<string, string> = {
  letters: repeat('a'),
  digits: repeat('4'),
  spacedDigits: repeat('4 '),
  keyValueNoValue: repeat('password='),
  quotedKeyOpen: repeat('"password":"'),
  keyPrefixRun: `${repeat('db_')}password`,
  pemNoEnd: `-----BEGIN PRIVATE KEY-----${repeat('A')}`,
  pemHeaders: repeat('-----BEGIN RSA PRIVATE KEY-----'),
  jwtStarts: repeat('eyJ'),
  jwtDots: repeat('eyJaaaa.'),
  bearer: repeat('Bearer '),
  authorization: repeat('Authorization: '),
  base64: repeat('Ab1/'),
  emailNoAt: repeat('a.b-c_d+'),
  emailAts: repeat('a@'),
  emailLabels: `x@${repeat('a.')}`,
  urlCreds: repeat('postgres://a:'),
  colons: repeat('a:'),
  dots: repeat('1.'),
  hexColons: repeat('ab12:'),
  // Issue 21's forms: each shape's opening repeated with no value, or its value run never closing.
  keySpaces: `password${repeat(' ')}`,
  keySpacedSeparators: repeat('token  =  '),
  escapedKeyOpen: repeat('{\\"password\\":\\"'),
  arrayValueOpen: repeat('password:[a'),
  arrayOfPlaceholders: `password:[${repeat('[REDACTED:x#1]')}`,
  goMapOpen: repeat('map[X-Api-Key:['),
  nameValueOpen: repeat('{"name":"DB_PASSWORD",'),
  yamlNameValue: repeat('- name: DB_PASSWORD\n  '),
  flagRun: repeat('--password '),
  flagDashes: `--password ${repeat('-')}`,
  mysqlFlags: `mysql ${repeat(' -p')}`,
  mysqlRepeated: repeat('mysql -x '),
  curlUser: repeat('-u a:'),
  urlUserInfoNoAt: repeat('redis://:'),
  urlLongUserInfo: `https://${repeat('a')}`,
  authArray: repeat('Authorization:['),
  bearerLongRun: `Bearer ${repeat('a')}=x`,
  cookieHeaders: repeat('Cookie: '),
  cookieLong: `Cookie: ${repeat('a=b; ')}`,
  valueFirstOpen: repeat('{"value":"x",'),
  camelKey: `${repeat('aB')}Password=x`,
  mixed: repeat('2024-03-12T14:03:22Z ERROR token=abc user=jane@example.com card 4111 1111 1111 1111 trace=4bf92f35\n'),
};

describe('redaction is linear-time', () => {
  it('finishes every adversarial input in a child process with a hard timeout', () => {
    expect(existsSync(MODULE), `${MODULE} is missing: run \`npm run build\` first`).toBe(true);
    const script = `
      import { Redactor } from ${JSON.stringify(MODULE)};
      import { readFileSync } from 'node:fs';
      const inputs = JSON.parse(readFileSync(0, 'utf8'));
      const redactor = new Redactor({ emails: true, ips: true, extra: [{ kind: 'emp', pattern: 'EMP-[0-9]{6}' }] });
      for (const [name, text] of Object.entries(inputs)) {
        const out = redactor.text(text);
        process.stdout.write(name + ' ' + out.length + '\\n');
      }
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      input: JSON.stringify(ADVERSARIAL),
      timeout: HARD_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    expect(result.error).toBeUndefined();
    const done = (result.stdout ?? '').split('\n').filter(Boolean);
    const stalled = Object.keys(ADVERSARIAL)[done.length];
    expect(result.signal, `stalled on input "${stalled}" (killed after ${HARD_TIMEOUT_MS} ms)`).toBeNull();
    expect(result.status, result.stderr).toBe(0);
    expect(done).toHaveLength(Object.keys(ADVERSARIAL).length);
  });
});
