import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type CustomFormatSpec, compileFormats, parseFormatsJson } from '../../mcp-servers/logs/parser/custom.js';
import { isDirectory } from '../../mcp-servers/shared/dataset.js';
import { ConfidenceSchema, SuspectKindSchema } from '../report/schema.js';

/** The case format of docs/eval-case-format.md. */

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([z.array(item), item]).transform((value) => (Array.isArray(value) ? value : [value]));

// Strict where a typo would silently weaken a check; the rest of the file may carry extra keys (comments, owners).
export const ExpectSchema = z
  .object({
    suspect: z
      .object({
        kind: oneOrMany(SuspectKindSchema),
        id: oneOrMany(z.coerce.string()).optional(),
        service: oneOrMany(z.string()).optional(),
      })
      .strict()
      .optional(),
    rootCauseKeywords: z.array(z.coerce.string()).optional(),
    mustNot: z
      .object({ suspectIds: z.array(z.coerce.string()).optional(), suspectKinds: z.array(SuspectKindSchema).optional() })
      .strict()
      .optional(),
    minConfidence: ConfidenceSchema.optional(),
    /** The confidence must not exceed this: "nothing abnormal" and ambiguous incidents must not sound sure. */
    maxConfidence: ConfidenceSchema.optional(),
    /** Strict: the suspect must name exactly one of these services, whatever its kind; no service fails. */
    service: oneOrMany(z.string().min(1)).optional(),
    /** The runbook id the report must show (e.g. checkout-api/db-pool-exhausted.md), or `none`: no runbook fits. */
    runbook: z.string().min(1).optional(),
  })
  .strict();
export type Expectation = z.infer<typeof ExpectSchema>;

export const CaseFileSchema = z
  .object({
    title: z.string().min(1),
    incident: z.string().min(1),
    /** A dataset case: the servers read this folder. */
    dataset: z.string().min(1).optional(),
    /** A replay case (exported from a real analysis): the replay server answers from this recording.json. */
    replay: z.string().min(1).optional(),
    since: z.coerce.string().optional(),
    context: z.string().optional(),
    scope: z.record(z.string(), z.string()).optional(),
    /**
     * The team's own log formats the logs server reads this case with, as LOG_FORMATS would give them: a list of
     * {name, pattern, timeLayout} objects, or a JSON file relative to the case folder.
     */
    logFormats: z
      .union([
        z.string().min(1),
        z.array(z.object({ name: z.string().min(1), pattern: z.string().min(1), timeLayout: z.string().optional() }).strict()),
      ])
      .optional(),
    /** Set while the expected answer is still to be written: the case fails until a person removes it. */
    todo: z.string().optional(),
    /** The alerts that started the analysis, as a webhook or alert message gives them: name and runbook_url. */
    alerts: z.array(z.object({ name: z.string().min(1), runbookUrl: z.string().min(1).optional() }).strict()).optional(),
    /** A runbooks folder relative to the case; default: the `runbooks` folder beside the case folders, when there is one. */
    runbooks: z.string().min(1).optional(),
    expect: ExpectSchema,
  })
  .refine((c) => (c.dataset === undefined) !== (c.replay === undefined), { message: 'give exactly one of dataset and replay' });

export interface EvalCase {
  /** The folder name, e.g. 04-dns-resolution. */
  name: string;
  dir: string;
  title: string;
  incident: string;
  since?: string;
  context?: string;
  /** Absolute dataset folder; for a replay case, the case folder. */
  dataDir: string;
  /** Absolute recording.json of a replay case. */
  replayFile?: string;
  scope?: Record<string, string>;
  todo?: string;
  /** Custom log formats (LOG_FORMATS) the case's logs need, already validated. */
  logFormats?: CustomFormatSpec[];
  alerts?: { name: string; runbookUrl?: string }[];
  /** Absolute runbooks folder the runbooks server reads (RUNBOOKS_PATH), when the case has one. */
  runbooksDir?: string;
  expect: Expectation;
}

export class CaseError extends Error {}

/** Case folders in name order: each holds a case.yaml. */
export function listCaseDirs(root: string): string[] {
  if (!isDirectory(root)) throw new CaseError(`cases folder ${root} does not exist`);
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => path.join(root, entry.name))
    .filter((dir) => {
      try {
        readFileSync(path.join(dir, 'case.yaml'));
        return true;
      } catch {
        return false;
      }
    })
    .sort();
}

/** Reads one case; the dataset is the case-relative folder when it exists, else a path from the repository root. */
export function loadCase(dir: string, repoRoot: string = process.cwd()): EvalCase {
  const file = path.join(dir, 'case.yaml');
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CaseError(`${file}: ${(error as Error).message}`);
  }
  const parsed = CaseFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CaseError(`${file}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`);
  }
  const data = parsed.data;
  const common = {
    name: path.basename(dir),
    dir,
    title: data.title,
    incident: data.incident,
    expect: data.expect,
    ...(data.since !== undefined ? { since: data.since } : {}),
    ...(data.context !== undefined ? { context: data.context } : {}),
    ...(data.scope !== undefined ? { scope: data.scope } : {}),
    ...(data.todo !== undefined ? { todo: data.todo } : {}),
    ...(data.logFormats !== undefined ? { logFormats: caseFormats(data.logFormats, dir, file) } : {}),
    ...(data.alerts !== undefined
      ? { alerts: data.alerts.map(({ name, runbookUrl }) => ({ name, ...(runbookUrl ? { runbookUrl } : {}) })) }
      : {}),
    ...runbooksOf(data.runbooks, dir, file),
  };
  if (data.replay !== undefined) {
    const replayFile = path.resolve(dir, data.replay);
    if (!existsSync(replayFile)) throw new CaseError(`${file}: replay recording ${replayFile} does not exist`);
    return { ...common, dataDir: dir, replayFile };
  }
  const dataset = data.dataset ?? '';
  const local = path.resolve(dir, dataset);
  const fromRoot = path.resolve(repoRoot, dataset);
  const dataDir = isDirectory(local) ? local : fromRoot;
  if (!isDirectory(dataDir)) throw new CaseError(`${file}: dataset ${dataset} is neither ${local} nor ${fromRoot}`);
  return { ...common, dataDir };
}

/** The runbooks folder beside the case folders: near-miss runbooks and the right ones, shared by every case. */
export const SHARED_RUNBOOKS = 'runbooks';

function runbooksOf(value: string | undefined, dir: string, file: string): { runbooksDir?: string } {
  if (value !== undefined) {
    const named = path.resolve(dir, value);
    if (!isDirectory(named)) throw new CaseError(`${file}: runbooks folder ${named} does not exist`);
    return { runbooksDir: named };
  }
  const shared = path.resolve(dir, '..', SHARED_RUNBOOKS);
  return isDirectory(shared) ? { runbooksDir: shared } : {};
}

/** A case's log formats, inline or from a JSON file beside it; compiled once here so a bad pattern fails the load. */
function caseFormats(value: string | CustomFormatSpec[], dir: string, file: string): CustomFormatSpec[] {
  try {
    const specs = typeof value === 'string' ? parseFormatsJson(readFileSync(path.resolve(dir, value), 'utf8')) : value;
    compileFormats(specs);
    return specs;
  } catch (error) {
    throw new CaseError(`${file}: logFormats: ${(error as Error).message}`);
  }
}
