import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Change } from '../../src/engines/builtin/changes.js';
import { codeLinks, codeRefs } from '../../src/engines/builtin/code-refs.js';
import { novelSymptom } from './support/correlator-fixtures.js';

const BUILT = path.resolve('dist/src/engines/builtin/code-refs.js');
/** Hostile input must be read in well under this; a catastrophic backtrack would take minutes. */
const KILL_MS = 10_000;

function change(files: string[], message = 'tidy'): Change {
  const commit = { sha: 'a'.repeat(40), shortSha: 'aaaaaaa', author: 'x', date: '2031-01-01T00:00:00Z', message, files, service: 'orders' };
  return {
    kind: 'deployment',
    id: 'rel-1',
    service: 'orders',
    at: commit.date,
    text: message,
    files,
    commits: [commit],
    declaredCommits: [commit.sha],
    callId: 'T2',
    needles: [],
  };
}

describe('code the errors name', () => {
  test('reads files, classes and frame functions from Java, Python, Go and Node traces', () => {
    const keys = (text: string) => codeRefs(text).map((ref) => `${ref.form}:${ref.key}`);
    expect(keys('at com.acme.orders.OrderReserver.reserveItems(OrderReserver.java:88)')).toEqual(
      expect.arrayContaining(['file:orderreserver', 'class:orderreserver', 'function:reserveitems']),
    );
    expect(keys('File "/app/pricing/discount_rules.py", line 42, in apply_discount')).toEqual(
      expect.arrayContaining(['file:discountrules', 'function:applydiscount']),
    );
    expect(keys('panic: nil map\n/src/ledger/journal.go:45 +0x1d')).toContain('file:journal');
    expect(keys('at priceBasket (/srv/cart/src/basket-pricing.ts:12:5)')).toEqual(
      expect.arrayContaining(['file:basketpricing', 'function:pricebasket']),
    );
  });

  test('generic file stems (index, main, handler) name no particular code', () => {
    expect(codeRefs('at Object.<anonymous> (/srv/app/index.js:3:1) main.go:9 handler.py')).toEqual([]);
  });

  test('a changed file of the same stem links; a different file does not', () => {
    const symptom = novelSymptom('NullPointerException', ['orders'], 'at com.acme.OrderReserver.reserve(OrderReserver.java:88)');
    expect(codeLinks(change(['orders/src/main/java/com/acme/OrderReserver.java']), [symptom]).map((link) => link.where)).toEqual([
      'orders/src/main/java/com/acme/OrderReserver.java',
    ]);
    expect(codeLinks(change(['orders/src/main/java/com/acme/PoolConfig.java']), [symptom])).toEqual([]);
  });

  test('a function named in a commit message links; a shorter name or a mere shared word does not', () => {
    const symptom = novelSymptom('TypeError', ['cart'], 'at priceBasket (/srv/cart/src/pricing.ts:12:5)');
    expect(codeLinks(change(['cart/src/other.ts'], 'priceBasket: round per line'), [symptom])).toHaveLength(1);
    expect(codeLinks(change(['cart/src/other.ts'], 'basket price rounding'), [symptom])).toEqual([]);
  });

  test('hostile text is read without catastrophic backtracking (in a child process with a hard timeout)', () => {
    expect(existsSync(BUILT), `${BUILT} is missing: run npm run build`).toBe(true);
    const script = `import(${JSON.stringify(BUILT)}).then((m) => {
      const long = 'a.'.repeat(40000) + 'x'.repeat(40000) + ' at ' + 'b$'.repeat(40000) + ' in ' + '/'.repeat(30000) + 'Ab'.repeat(40000);
      const refs = m.codeRefs(long);
      process.stdout.write(String(refs.length));
    });`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: KILL_MS,
      killSignal: 'SIGKILL',
    });
    expect(run.signal, `killed after ${KILL_MS} ms`).toBeNull();
    expect(run.status, run.stderr).toBe(0);
  });
});
