import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeedbackStore } from '../../src/slack/feedback.js';

describe('feedback file', () => {
  it('stores the incident redacted: a pasted secret does not outlive the analysis in FEEDBACK_FILE', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ip-feedback-')), 'votes.jsonl');
    const store = new FeedbackStore(file);
    await store.record({ analysisId: 'A1', user: 'U1', vote: 'up', incident: 'login fails with DB_PASSWORD=hunter2-prod', at: 'now' });
    const written = readFileSync(file, 'utf8');
    expect(written).not.toContain('hunter2-prod');
    expect(JSON.parse(written).incident).toBe('login fails with DB_PASSWORD=[REDACTED:password#1]');
    expect(store.list()[0]?.incident).not.toContain('hunter2-prod');
  });
});
