import { describe, expect, test } from 'vitest';
import { quoteFrom } from '../../src/engines/builtin/quotes.js';
import { pathTouchesService, servicesNamedIn, tokens, words } from '../../src/engines/builtin/text.js';

describe('text helpers', () => {
  test('redaction placeholders carry no words: two redacted texts do not look related through them', () => {
    expect(tokens('login failed for [REDACTED:password#1] and [REDACTED:api_key#2]')).toEqual(tokens('login failed for'));
    expect(words('rotate [REDACTED:aws_secret_key] now')).toEqual(['rotate', 'now']);
  });

  test('tokens split identifiers and add the concept they belong to', () => {
    const found = tokens('maxPoolSize reduced; db_connections=4 at services/orders/db.yaml');
    expect(found).toContain('pool');
    expect(found).toContain('connections');
    expect(found).toContain('~pool');
    expect(found).not.toContain('at');
  });

  test('services are found by full name or by all their distinctive parts', () => {
    expect(servicesNamedIn('Orders API is down since 10:00', ['orders-api', 'stock', 'orders-worker'])).toEqual(['orders-api']);
    expect(servicesNamedIn('nothing relevant', ['orders-api'])).toEqual([]);
  });

  test('a path touches a service only through a folder of that name', () => {
    expect(pathTouchesService('services/stock/src/a.ts', 'stock')).toBe(true);
    expect(pathTouchesService('docs/stock.md', 'stock')).toBe(false);
  });

  test('quotes are whole lines of the output containing the needle, or nothing', () => {
    const output = 'header\n  12× boom <n>\n  e.g. 2030-01-01 ERROR boom 42\nfooter';
    expect(quoteFrom(output, ['ERROR boom 42'])).toBe('e.g. 2030-01-01 ERROR boom 42');
    expect(quoteFrom(output, ['absent', 'boom <n>'])).toBe('12× boom <n>');
    expect(quoteFrom(output, ['absent'])).toBeUndefined();
  });
});
