import { ToolInputError } from '../../shared/tool-result.js';
import type { Runbook } from './parse.js';

/**
 * Between a runbook and its web address: RUNBOOKS_BASE_URL + the runbook's path is the link a report shows, and an
 * alert's runbook_url under that base (or one ending in a runbook's path, as a GitHub blob URL does) is that runbook.
 */

const MARKDOWN_EXT = /\.(md|markdown)$/i;
/** Folder pages a web view serves for a folder's URL. */
const INDEX_NAMES = ['README.md', 'index.md', '_index.md'];

export function runbookLink(baseUrl: string | undefined, id: string, slug?: string): string | undefined {
  if (!baseUrl) return undefined;
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const pathPart = id
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return `${base}${pathPart}${slug && slug !== 'overview' ? `#${encodeURIComponent(slug)}` : ''}`;
}

export interface Resolved {
  runbook: Runbook;
  /** The URL's `#fragment`, when it names a section. */
  section?: string;
  how: 'base-url' | 'path';
}

/** The runbook an alert's runbook_url points at; a ToolInputError saying why when none does. */
export function resolveRunbookUrl(url: string, runbooks: readonly Runbook[], baseUrl: string | undefined): Resolved {
  const raw = url.trim();
  if (raw === '') throw new ToolInputError('url is empty', 'pass the alert annotation runbook_url as it is');
  const { pathPart, fragment } = splitUrl(raw);
  const byId = new Map(runbooks.map((runbook) => [runbook.id.toLowerCase(), runbook]));
  const base = baseUrl ? splitUrl(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`) : undefined;
  const withSection = (runbook: Runbook, how: Resolved['how']): Resolved => {
    const section = fragment ? runbook.sections.find((s) => s.slug === fragment.toLowerCase())?.slug : undefined;
    return { runbook, how, ...(section ? { section } : {}) };
  };
  if (base && sameOrigin(raw, baseUrl ?? '') && pathPart.toLowerCase().startsWith(base.pathPart.toLowerCase())) {
    const rest = pathPart.slice(base.pathPart.length).replace(/^\/+|\/+$/g, '');
    const found = lookup(rest, byId);
    if (found) return withSection(found, 'base-url');
  }
  // No base, or not under it: the longest runbook path the URL's path ends with, at a folder boundary.
  const segments = pathPart.replace(/\/+$/, '').split('/').filter(Boolean);
  for (let start = 0; start < segments.length; start++) {
    const found = lookup(segments.slice(start).join('/'), byId);
    if (found) return withSection(found, 'path');
  }
  throw new ToolInputError(
    `runbook_url ${raw} is ${baseUrl ? `not under RUNBOOKS_BASE_URL (${baseUrl}) and ` : ''}does not end with the path of any of the ${runbooks.length} runbooks`,
    'search_runbooks with the alert name or the error instead',
  );
}

function lookup(rest: string, byId: Map<string, Runbook>): Runbook | undefined {
  const key = rest.toLowerCase();
  if (key === '') return undefined;
  const candidates = MARKDOWN_EXT.test(key)
    ? [key]
    : [`${key}.md`, `${key}.markdown`, ...INDEX_NAMES.map((name) => `${key}/${name.toLowerCase()}`)];
  for (const candidate of candidates) {
    const found = byId.get(candidate);
    if (found) return found;
  }
  return undefined;
}

/** The decoded path and fragment of a URL, a `file://` URL or a plain path. */
function splitUrl(raw: string): { pathPart: string; fragment: string | undefined } {
  let pathPart = raw;
  let fragment: string | undefined;
  try {
    const parsed = new URL(raw);
    pathPart = parsed.pathname;
    fragment = parsed.hash ? parsed.hash.slice(1) : undefined;
  } catch {
    const hash = raw.indexOf('#');
    if (hash >= 0) {
      fragment = raw.slice(hash + 1);
      pathPart = raw.slice(0, hash);
    }
    pathPart = pathPart.replace(/\?.*$/, '');
  }
  return { pathPart: safeDecode(pathPart).replaceAll('\\', '/'), fragment: fragment ? safeDecode(fragment) : undefined };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
