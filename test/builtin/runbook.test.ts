import { describe, expect, it } from 'vitest';
import type { RunbookHitOut } from '../../mcp-servers/runbooks/schemas.js';
import { fits } from '../../src/engines/builtin/runbook.js';

function hit(why: Partial<RunbookHitOut['why']>): RunbookHitOut {
  return {
    id: 'checkout-api/db-pool.md',
    title: 'Pool',
    section: 'mitigation',
    sectionTitle: 'Mitigation',
    services: ['checkout-api'],
    alerts: [],
    score: 1,
    why: { service: 'declared', alert: null, terms: [], ...why },
    steps: ['x'],
    procedure: true,
  };
}

const CLASS = new Set(['saturated', 'resource', 'pool', 'connections']);
const FAILURE = new Set(['saturated', 'resource', 'pool', 'connections', 'hikaripool', 'available', 'timed', 'failing', 'api']);
const NAME = new Set(['checkout', 'api']);
const NONE = new Set<string>();

describe('which runbook section fits the failure', () => {
  it('a section declaring the alert fits whatever its words', () => {
    expect(fits(hit({ alert: 'CheckoutDbPoolExhausted', service: null }), CLASS, FAILURE, NAME)).toBe(true);
  });

  it('the service must be the runbook’s own (front matter or folder), not merely named in its text', () => {
    const words = { terms: ['pool', 'connections', 'available'] };
    expect(fits(hit({ ...words, service: 'declared' }), CLASS, FAILURE, NAME)).toBe(true);
    expect(fits(hit({ ...words, service: 'path' }), CLASS, FAILURE, NAME)).toBe(true);
    expect(fits(hit({ ...words, service: 'text' }), CLASS, FAILURE, NAME)).toBe(false);
    expect(fits(hit({ ...words, service: null }), CLASS, FAILURE, NAME)).toBe(false);
  });

  it('with a class: two shared words, one of them the class’s; one word, or two without a class word, do not fit', () => {
    expect(fits(hit({ terms: ['pool', 'available'] }), CLASS, FAILURE, NAME)).toBe(true);
    expect(fits(hit({ terms: ['pool'] }), CLASS, FAILURE, NAME)).toBe(false);
    expect(fits(hit({ terms: ['available', 'timed'] }), CLASS, FAILURE, NAME)).toBe(false);
  });

  it('without a class: three shared words fit, two do not', () => {
    expect(fits(hit({ terms: ['hikaripool', 'available', 'timed'] }), NONE, FAILURE, NAME)).toBe(true);
    expect(fits(hit({ terms: ['hikaripool', 'available'] }), NONE, FAILURE, NAME)).toBe(false);
  });

  it('words of the service name, words only from the alert name, and plural forms do not add up', () => {
    expect(fits(hit({ terms: ['pool', 'api'] }), CLASS, FAILURE, NAME)).toBe(false);
    expect(fits(hit({ terms: ['pool', 'exhausted'] }), CLASS, FAILURE, NAME)).toBe(false);
    expect(fits(hit({ terms: ['connections', 'connection'] }), CLASS, new Set([...FAILURE, 'connection']), NAME)).toBe(false);
  });
});
