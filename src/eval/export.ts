import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Recording } from '../../mcp-servers/replay/recording.js';
import type { RememberedIncident } from '../memory/types.js';
import { configuredRedactor, type Redactor } from '../redaction/index.js';
import { type SuspectKind, SuspectKindSchema } from '../report/schema.js';
import type { StateStore } from '../store/types.js';
import type { Expectation } from './cases.js';

export class ExportError extends Error {}

export const TODO_TEXT =
  'Write the expected answer (expect.suspect, rootCauseKeywords) from what the responders found, then delete this todo line.';

/**
 * The expectation a confirmed cause gives: a culprit that is a suspect kind fixes the kind; any other culprit is a
 * deployment or commit id the report must name. Without a confirmed culprit a person has to write it (TODO).
 */
export function expectationOf(remembered: RememberedIncident): { expect: Expectation; todo?: string } {
  const culprit = remembered.confirmed?.culprit?.trim();
  if (!remembered.confirmed || !culprit) return { expect: {}, todo: TODO_TEXT };
  const kind = SuspectKindSchema.safeParse(culprit);
  if (kind.success) return { expect: { suspect: { kind: [kind.data] } } };
  const kinds: SuspectKind[] = ['deployment', 'commit', 'config', 'dependency'];
  return { expect: { suspect: { kind: kinds, id: [culprit] } } };
}

/**
 * Writes `<out>/case.yaml` and `<out>/recording.json` for a finished, remembered analysis; refuses to overwrite. People
 * commit these files, so every text in them passes the configured redaction once more, whatever the store holds
 * (rows written before redaction-at-storage, a cause typed with a secret in it).
 */
export async function exportCase(
  store: StateStore,
  analysisId: string,
  out: string,
  redactor: Redactor = configuredRedactor(),
): Promise<{ caseFile: string; calls: number }> {
  const analysis = await store.getAnalysis(analysisId);
  if (!analysis)
    throw new ExportError(`analysis ${analysisId} is not in the state store at ${store.location} (older than the retention period?)`);
  const remembered = await store.memory.get(analysisId);
  const recording = await store.memory.recording(analysisId);
  if (!remembered || !recording || !analysis.report) {
    throw new ExportError(`analysis ${analysisId} has no finished report with recorded tool calls (state: ${analysis.state})`);
  }
  if (existsSync(out) && readdirSync(out).length > 0) throw new ExportError(`--out ${out} exists and is not empty; choose a new folder`);
  mkdirSync(out, { recursive: true });
  const { expect, todo } = expectationOf(remembered);
  const file: Recording = { analysisId, engine: analysis.report.engine, calls: redactor.value(recording.calls) };
  writeFileSync(path.join(out, 'recording.json'), `${JSON.stringify(file, null, 2)}\n`);
  const head = [
    `# Replay case exported from analysis ${analysisId} (${new Date(remembered.at).toISOString()}, engine ${remembered.engine}).`,
    `# The bot said: ${remembered.summary.replace(/\n/g, ' ')}`,
    remembered.confirmed ? `# Confirmed cause: ${remembered.confirmed.cause.replace(/\n/g, ' ')}` : '# No confirmed cause yet.',
  ]
    .map((line) => redactor.text(line))
    .join('\n');
  const body = redactor.value({
    title: `Replay of ${analysisId}: ${remembered.summary}`.slice(0, 200),
    incident: analysis.incident,
    replay: 'recording.json',
    ...(recording.since ? { since: recording.since } : {}),
    ...(analysis.context ? { context: analysis.context } : {}),
    ...(recording.scope ? { scope: recording.scope } : {}),
    // The alerts (and their runbook_url) the analysis started from, so the replay reads the same runbook first.
    ...(analysis.alerts?.length ? { alerts: analysis.alerts } : {}),
    ...(todo ? { todo } : {}),
    expect,
  });
  const caseFile = path.join(out, 'case.yaml');
  writeFileSync(caseFile, `${head}\n${stringify(body)}`);
  return { caseFile, calls: recording.calls.length };
}
