import { describe, expect, it } from 'vitest';
import { buildReportMessage } from '../../src/slack/blocks/report.js';
import { validateMessage } from '../fakes/slack/block-kit.js';
import { makeReport } from './helpers.js';

const RUNBOOK = {
  id: 'checkout-api/db-pool.md',
  title: 'Checkout DB pool',
  section: 'Mitigation',
  link: 'https://runbooks.example.com/checkout-api/db-pool.md#mitigation',
  steps: ['Open https://grafana.example.com/d/pool and <!channel> check *pool* <@U123>.', 'Roll back.'],
  why: ['for checkout-api (its front matter)'],
  tool: 'T4',
};

function runbookText(report: ReturnType<typeof makeReport>): string | undefined {
  const message = buildReportMessage(report, { analysisId: 'A1-abcd' });
  expect(validateMessage(message as never)).toEqual([]);
  const texts = message.blocks.map((b) => (b.type === 'section' && b.text ? b.text.text : ''));
  return texts.find((text) => text.startsWith('*Runbook*'));
}

describe('the Runbook block in Slack', () => {
  it('links the title, says why, and quotes the steps escaped with their URLs defanged', () => {
    const text = runbookText(makeReport({ runbook: RUNBOOK })) ?? '';
    expect(text).toContain('<https://runbooks.example.com/checkout-api/db-pool.md#mitigation|Checkout DB pool> › Mitigation');
    expect(text).toContain('_why: for checkout-api (its front matter)_');
    expect(text).toContain('> 1. Open hxxps://grafana[.]example[.]com/d/pool and &lt;!channel&gt; check *pool* &lt;@U123&gt;.');
    expect(text).toContain('> 2. Roll back.');
  });

  it('a link that is not http(s) is not a link', () => {
    const text = runbookText(makeReport({ runbook: { ...RUNBOOK, link: 'javascript:alert(1)' } })) ?? '';
    expect(text).not.toContain('javascript');
    expect(text).toContain('"Checkout DB pool" › Mitigation');
  });

  it('no runbook, no block', () => {
    expect(runbookText(makeReport())).toBeUndefined();
  });
});
