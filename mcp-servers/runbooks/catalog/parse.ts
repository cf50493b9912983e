import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * One Markdown runbook as the index sees it. Front matter (`title`, `services`, `alerts`, `tags`) is optional: without
 * it the title is the first heading and the services are the folders the file sits in.
 */
export interface Runbook {
  /** The file relative to its root, with forward slashes: what read_runbook takes and the link appends. */
  id: string;
  title: string;
  services: string[];
  alerts: string[];
  tags: string[];
  /** True when the services came from front matter, false when guessed from the path. */
  declaredServices: boolean;
  sections: RunbookSection[];
}

export interface RunbookSection {
  /** GitHub-style anchor of the heading (`#connection-pool-exhausted`); `overview` for text before the first one. */
  slug: string;
  title: string;
  markdown: string;
  /** The list items of the section, in order: the procedure a responder follows. */
  steps: string[];
  /** False for sections that describe rather than instruct (Symptoms, Impact, Escalation …): their lists are not steps to take. */
  procedure: boolean;
}

/** Lines read per file: a runbook is a page or two; a generated megabyte file is not a procedure. */
export const MAX_RUNBOOK_LINES = 5_000;
/** Sections kept per runbook, and steps per section. */
export const MAX_SECTIONS = 100;
export const MAX_STEPS = 20;
/** A step is quoted up to this length, in the tools and in the report alike (quotes are checked verbatim). */
export const MAX_STEP_CHARS = 300;
/** Front matter longer than this is ignored: labels take a few lines, and YAML parsing cost grows with size. */
const MAX_FRONT_MATTER_CHARS = 4_096;
/** Front-matter lists longer than this are cut: they label a runbook, they do not list a fleet. */
const MAX_LABELS = 50;
/** Folder names that organise a runbooks repository rather than name a service. */
const NOT_SERVICES = new Set([
  'runbooks',
  'runbook',
  'docs',
  'doc',
  'playbooks',
  'playbook',
  'procedures',
  'ops',
  'sre',
  'oncall',
  'on-call',
]);

/** Headings of sections that describe the incident or the follow-up; their lists are signs, not steps to take now. */
const DESCRIPTIVE =
  /^(?:symptoms?|signs?|impact|overview|background|context|description|detection|when|alerts?|dashboards?|links|references|see also|owners?|contacts?|escalation|follow[- ]?ups?|prevention|post[- ]?mortem|notes?|faq)\b/i;

/** A heading's text keeps its closing `#`s here; they are trimmed in code, as a lazy regex would retry per start. */
const HEADING = /^(#{1,6})[ \t]+(.*)$/;
/** `1.`, `1)`, `-`, `*` or `+` list items, with an optional task box. */
const LIST_ITEM = /^[ \t]{0,3}(?:\d{1,3}[.)]|[-*+])[ \t]+(?:\[[ xX]\][ \t]+)?(.*)$/;
const FENCE = /^[ \t]{0,3}(```|~~~)/;

export function parseRunbook(text: string, id: string): Runbook {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .slice(0, MAX_RUNBOOK_LINES);
  const { meta, body } = splitFrontMatter(lines);
  const sections = splitSections(body);
  const h1 = sections.find((section) => section.level === 1)?.title;
  const title = stringOf(meta.title) ?? h1 ?? sections.find((section) => section.level > 1)?.title ?? titleFromPath(id);
  const declared = listOf(meta.services ?? meta.service ?? serviceLine(body));
  return {
    id,
    title: oneLine(title),
    services: declared.length > 0 ? declared : servicesFromPath(id),
    alerts: listOf(meta.alerts ?? meta.alert),
    tags: listOf(meta.tags),
    declaredServices: declared.length > 0,
    sections: sections.slice(0, MAX_SECTIONS).map(({ level: _level, ...section }) => section),
  };
}

function splitFrontMatter(lines: string[]): { meta: Record<string, unknown>; body: string[] } {
  if (lines[0]?.trim() !== '---') return { meta: {}, body: lines };
  const end = lines.findIndex((line, index) => index > 0 && (line.trim() === '---' || line.trim() === '...'));
  if (end < 0) return { meta: {}, body: lines };
  // Labels are a few lines; a huge header is not front matter we should hand to a YAML parser.
  if (lines.slice(1, end).join('\n').length > MAX_FRONT_MATTER_CHARS) return { meta: {}, body: lines.slice(end + 1) };
  try {
    const meta = parseYaml(lines.slice(1, end).join('\n'));
    return {
      meta: meta && typeof meta === 'object' && !Array.isArray(meta) ? (meta as Record<string, unknown>) : {},
      body: lines.slice(end + 1),
    };
  } catch {
    // A broken header is still a runbook: its text is searchable, its labels are not.
    return { meta: {}, body: lines.slice(end + 1) };
  }
}

interface RawSection extends RunbookSection {
  level: number;
}

/** Sections at every heading; headings inside code fences are code, not structure. */
function splitSections(lines: string[]): RawSection[] {
  const out: RawSection[] = [];
  let current: { level: number; title: string; lines: string[] } = { level: 0, title: 'Overview', lines: [] };
  const flush = () => {
    const markdown = current.lines.join('\n').trim();
    if (current.level === 0 && markdown === '') return;
    out.push({
      level: current.level,
      slug: current.level === 0 ? 'overview' : slugOf(current.title),
      title: current.title,
      markdown,
      steps: stepsOf(current.lines),
      procedure: current.level > 0 && !DESCRIPTIVE.test(current.title),
    });
  };
  let fenced = false;
  for (const line of lines) {
    if (FENCE.test(line)) fenced = !fenced;
    const heading = fenced ? null : HEADING.exec(line);
    if (heading) {
      flush();
      current = { level: heading[1]?.length ?? 1, title: oneLine(trimClosingHashes(heading[2] ?? '')), lines: [] };
    } else current.lines.push(line);
  }
  flush();
  return dedupeSlugs(out);
}

/** The list items of a section, continuation lines joined; items inside code fences are code. */
function stepsOf(lines: string[]): string[] {
  const steps: string[] = [];
  let fenced = false;
  let open = false;
  for (const line of lines) {
    if (FENCE.test(line)) {
      fenced = !fenced;
      open = false;
      continue;
    }
    if (fenced) continue;
    const item = LIST_ITEM.exec(line);
    if (item) {
      if (steps.length >= MAX_STEPS) break;
      steps.push(item[1] ?? '');
      open = true;
    } else if (open && /^[ \t]{2,}\S/.test(line) && steps.length > 0) {
      steps[steps.length - 1] = `${steps[steps.length - 1]} ${line.trim()}`;
    } else open = false;
  }
  return steps.map((step) => clipStep(step)).filter((step) => step !== '');
}

export function clipStep(step: string): string {
  const flat = step.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_STEP_CHARS ? `${flat.slice(0, MAX_STEP_CHARS - 1)}…` : flat;
}

/** GitHub's anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slugOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

function dedupeSlugs(sections: RawSection[]): RawSection[] {
  const seen = new Map<string, number>();
  return sections.map((section) => {
    const count = seen.get(section.slug) ?? 0;
    seen.set(section.slug, count + 1);
    return count === 0 ? section : { ...section, slug: `${section.slug}-${count}` };
  });
}

/** A `Service: checkout-api` (or `**Services:** a, b`) line near the top, as teams write without front matter. */
const SERVICE_LINE = /^[ \t>*_-]*services?[*_]*:[*_]*[ \t]*(.+)$/i;
/** A `Service:` line is short; a long one is prose that happens to start with the word. */
const SERVICE_LINE_CHARS = 300;
/** Only the head of a runbook says what it is about; a later "service:" is part of a procedure. */
const SERVICE_LINE_SCAN = 30;

function serviceLine(lines: string[]): string | undefined {
  for (const line of lines.slice(0, SERVICE_LINE_SCAN)) {
    if (line.length > SERVICE_LINE_CHARS) continue;
    const match = SERVICE_LINE.exec(line);
    if (match) return (match[1] ?? '').replace(/[`*_]/g, '');
  }
  return undefined;
}

/** `## Title ##` → `Title`, by index from the end (linear however many `#`s and spaces there are). */
function trimClosingHashes(text: string): string {
  let end = text.length;
  while (end > 0 && /[ \t#]/.test(text[end - 1] ?? '')) end -= 1;
  return text.slice(0, end);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function listOf(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return items
    .filter((item): item is string | number => typeof item === 'string' || typeof item === 'number')
    .map((item) => String(item).trim())
    .filter((item) => item !== '')
    .slice(0, MAX_LABELS);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function titleFromPath(id: string): string {
  return path.posix
    .basename(id)
    .replace(/\.(md|markdown)$/i, '')
    .replace(/[-_]+/g, ' ');
}

/** `checkout-api/db-pool.md` is about checkout-api: the folders a runbook sits in, less organising names. */
function servicesFromPath(id: string): string[] {
  return path.posix
    .dirname(id)
    .split('/')
    .filter((segment) => segment !== '.' && segment !== '' && !NOT_SERVICES.has(segment.toLowerCase()));
}
