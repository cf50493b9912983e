import { renderBounded } from '../../shared/tool-result.js';
import type { GitCommit } from '../backend.js';
import { commitLine, commitOut } from '../render.js';

/** Shared by get_recent_commits and search_commits: the newest `limit` commits as text and structured data. */
export function renderCommitList(matched: GitCommit[], limit: number, title: string, note: string | undefined) {
  const shown = matched.slice(0, limit);
  const header = [note, `${title}: ${matched.length} matched${matched.length > 0 ? ', newest first' : ''}.`].filter(Boolean).join('\n');
  const text = renderBounded(header, shown.map(commitLine), matched.length);
  const structured = {
    commits: shown.map(commitOut),
    total: matched.length,
    truncated: shown.length < matched.length,
    ...(note ? { note } : {}),
  };
  return { text, structured };
}
