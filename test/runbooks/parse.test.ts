import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_STEP_CHARS, parseRunbook } from '../../mcp-servers/runbooks/catalog/parse.js';

describe('parseRunbook', () => {
  it('without front matter: title from the first heading, services from the folders (organising folders skipped)', () => {
    const book = parseRunbook('Intro line\n\n# Disk full on batch hosts\n\n## Steps\n\n1. Free space.\n', 'runbooks/batch-worker/disk.md');
    expect(book.title).toBe('Disk full on batch hosts');
    expect(book.services).toEqual(['batch-worker']);
    expect(book.declaredServices).toBe(false);
    expect(book.sections.map((s) => s.slug)).toEqual(['overview', 'disk-full-on-batch-hosts', 'steps']);
  });

  it('a file with no heading is titled from its name', () => {
    expect(parseRunbook('1. do it\n', 'dns-failover.md').title).toBe('dns failover');
  });

  it('headings and list items inside code fences are code', () => {
    const book = parseRunbook('# T\n\n## Fix\n\n1. Run:\n\n```sh\n# not a heading\n- not a step\n```\n\n2. Check.\n', 'x.md');
    expect(book.sections.map((s) => s.title)).toEqual(['T', 'Fix']);
    expect(book.sections[1]?.steps).toEqual(['Run:', 'Check.']);
  });

  it('joins continuation lines, strips task boxes, cuts long steps at the limit', () => {
    const long = 'x'.repeat(MAX_STEP_CHARS + 50);
    const book = parseRunbook(`# T\n\n## Fix\n\n- [ ] Drain the node\n  before rebooting it.\n- ${long}\n`, 'x.md');
    expect(book.sections[1]?.steps[0]).toBe('Drain the node before rebooting it.');
    expect(book.sections[1]?.steps[1]).toHaveLength(MAX_STEP_CHARS);
  });

  it('broken front matter leaves a searchable runbook with no labels', () => {
    const book = parseRunbook('---\nservices: [a\n---\n# Title\n', 'svc/x.md');
    expect(book.title).toBe('Title');
    expect(book.services).toEqual(['svc']);
  });

  it('a single-string services and repeated headings get distinct anchors', () => {
    const book = parseRunbook('---\nservices: a, b\n---\n## Fix\n## Fix\n', 'x.md');
    expect(book.services).toEqual(['a', 'b']);
    expect(book.sections.map((s) => s.slug)).toEqual(['fix', 'fix-1']);
  });
});

const PARSE = fileURLToPath(new URL('../../dist/mcp-servers/runbooks/catalog/parse.js', import.meta.url));

describe('adversarial runbooks', () => {
  it('parses pathological Markdown in linear time (separate process, hard timeout)', () => {
    const script = `
      const { parseRunbook } = await import(${JSON.stringify(PARSE)});
      const n = 200000;
      const samples = [
        '#'.repeat(6) + ' ' + ' \\t'.repeat(n) + 'x',
        'Service:' + ' '.repeat(n) + '*'.repeat(n),
        '- ' + '[ ] '.repeat(n),
        '1.' + ' '.repeat(n) + '\\n' + '  x\\n'.repeat(4000),
        '---\\n' + 'a: '.repeat(n) + '\\n---\\n',
        '# ' + '#'.repeat(n) + ' x ' + '#'.repeat(n),
      ];
      const started = Date.now();
      for (const text of samples) parseRunbook(text, 'a/b.md');
      console.log(Date.now() - started);
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000, encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(Number(run.stdout.trim())).toBeLessThan(5_000);
  });
});
