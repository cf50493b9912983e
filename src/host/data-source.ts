/**
 * What a server says about its data in its MCP `instructions` (mcp-servers/shared/data-source.ts writes the line):
 * live systems, or a bundled dataset and the variable that would make it live. A server that says nothing (a
 * third-party server such as GitHub's) is taken to be live: it talks to real systems. `none` (a runbooks server with
 * no runbooks configured) reads nothing, so it mixes with either.
 */
export type ServerDataSource =
  | { server: string; kind: 'live'; declared: boolean }
  | { server: string; kind: 'none' }
  | { server: string; kind: 'sample'; dataset: string; liveVariable?: string };

const LINE = /^Data source: (?:live\b|(none)\b|sample dataset "([^"\n]{0,200})"(?: \(set ([A-Z][A-Z0-9_]{0,60}) )?)/m;

export function parseDataSource(server: string, instructions: string | undefined): ServerDataSource {
  const match = instructions ? LINE.exec(instructions) : null;
  if (!match) return { server, kind: 'live', declared: false };
  if (match[1] !== undefined) return { server, kind: 'none' };
  if (match[2] === undefined) return { server, kind: 'live', declared: true };
  return { server, kind: 'sample', dataset: match[2], ...(match[3] ? { liveVariable: match[3] } : {}) };
}

export class DataSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataSourceError';
  }
}

/**
 * All live, all sample, or a refusal: a report that joins a company's live logs with a sample incident's commits
 * would blame a fictitious deploy. Returns the dataset name(s) to stamp when everything is sample.
 */
export function checkDataSources(sources: readonly ServerDataSource[]): { sampleData?: string } {
  const sample = sources.filter((source) => source.kind === 'sample');
  if (sample.length === 0) return {};
  const live = sources.filter((source) => source.kind === 'live');
  if (live.length === 0) return { sampleData: [...new Set(sample.map((source) => source.dataset))].join(', ') };
  const fixes = sample.map(
    (source) =>
      `server "${source.server}" serves the bundled sample dataset "${source.dataset}" (${source.liveVariable ? `set ${source.liveVariable}, or ` : ''}leave it out with DISABLE_SERVERS=${source.server} or the CLI's --without ${source.server})`,
  );
  throw new DataSourceError(
    `mixed data sources: ${live.map((source) => `"${source.server}"`).join(', ')} serve${live.length === 1 ? 's' : ''} live systems but ${fixes.join('; ')}. ` +
      'Point every server at live systems, or every server at a dataset (DATA_DIR), so no report mixes a sample incident into yours.',
  );
}
