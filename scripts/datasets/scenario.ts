import type { DatasetFiles } from './world.js';

/** The evaluation case a scenario ships with, in the format of docs/eval-case-format.md. */
export interface EvalCase {
  title: string;
  incident: string;
  dataset: string;
  since?: string;
  /** The team's own log formats the case is read with (LOG_FORMATS), for a service whose format no built-in reads. */
  logFormats?: { name: string; pattern: string; timeLayout?: string }[];
  /** The alerts that started the analysis (name and runbook_url), as a webhook gives them. */
  alerts?: { name: string; runbookUrl?: string }[];
  expect: {
    suspect?: { kind: string | string[]; id?: string[]; service?: string[] };
    rootCauseKeywords: string[];
    mustNot?: { suspectIds?: string[]; suspectKinds?: string[] };
    minConfidence?: 'low' | 'medium' | 'high';
    maxConfidence?: 'low' | 'medium' | 'high';
    service?: string[];
    /** The runbook id the report must show (test/evals/runbooks), or `none`. */
    runbook?: string;
  };
}

export interface ScenarioOutput {
  /** Where the dataset goes, relative to the output root: data/<name> or test/evals/<case>/dataset. */
  datasetDir: string;
  files: DatasetFiles;
  /** test/evals/<NN-slug>. */
  caseDir: string;
  evalCase: EvalCase;
  /**
   * The history is served through the fake GitHub instead of git/*.json: the dataset gets github/*.json in the REST
   * API's response shapes (docs/git.md), with these merged pull requests naming commits.
   */
  github?: GitHubHistory;
}

export interface GitHubHistory {
  /** owner/name */
  repository: string;
  pulls: { number: number; title: string; labels: string[]; commit: { sha: string; date: string } }[];
}

export type Scenario = () => ScenarioOutput;

/** Dataset and case locations for an eval-only scenario. */
export function evalPlacement(slug: string): { datasetDir: string; caseDir: string; dataset: string } {
  return { datasetDir: `test/evals/${slug}/dataset`, caseDir: `test/evals/${slug}`, dataset: 'dataset' };
}

/** Dataset and case locations for a sample under data/ that also has a case pointing at it. */
export function samplePlacement(name: string, slug: string): { datasetDir: string; caseDir: string; dataset: string } {
  return { datasetDir: `data/${name}`, caseDir: `test/evals/${slug}`, dataset: `data/${name}` };
}
