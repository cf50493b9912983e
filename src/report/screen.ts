import type { Report } from './schema.js';
import { ADDRESSES_MODEL, CODE_COMMAND, COMMAND, commandBaseName, DESTRUCTIVE, PIPE_TO_SHELL, URL } from './screen-patterns.js';

/**
 * Screening of what a model wrote before anyone reads it. A model that read a poisoned log line may repeat its URL
 * or command as advice, or blame what the line told it to blame. So: a URL or shell command in the model's
 * free text that no tool output showed is defanged; a line of tool output that addresses the model (claims to be
 * the system, tells it to ignore its instructions, pipes a download into a shell) does not count as showing
 * anything; and a root cause resting on no verified evidence, or on a suspect no tool output names, is capped at low.
 */

export const AI_MARKER = 'AI analysis — verify before acting';

const CODE_SPAN = /`{1,3}([^`]{1,2000})`{1,3}/g;
/** A trailing full stop or bracket belongs to the sentence, not the URL. */
const URL_TRAILER = /[.,;:!?)]+$/;

export function addressesModel(line: string): boolean {
  return ADDRESSES_MODEL.test(line) || PIPE_TO_SHELL.test(line);
}

/** Tool output minus the lines that address the model, whitespace-normalised, for "did a tool show this?" checks. */
export function trustedOutput(outputs: readonly string[]): string {
  return outputs
    .flatMap((output) => output.split('\n'))
    .filter((line) => !addressesModel(line))
    .join('\n')
    .replace(/\s+/g, ' ');
}

/** `https://evil.example/x` → `hxxps://evil[.]example/x`: readable, not clickable, not auto-linked by Slack. */
export function defangUrl(url: string): string {
  const match = /^([a-z]+):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!match) return url.replace(/\./g, '[.]');
  const scheme = (match[1] ?? '').replace(/t/gi, 'x');
  return `${scheme}://${(match[2] ?? '').replace(/\./g, '[.]')}${(match[3] ?? '').replace(/\./g, '[.]')}`;
}

/** Every URL in quoted text defanged: untrusted text (a runbook step) shown to people must not be a link. */
export function defangUrls(text: string): string {
  return text.replace(URL, (raw: string) => {
    const trailer = URL_TRAILER.exec(raw)?.[0] ?? '';
    return `${defangUrl(trailer ? raw.slice(0, -trailer.length) : raw)}${trailer}`;
  });
}

function seen(haystack: string, needle: string): boolean {
  const normal = needle.replace(/\s+/g, ' ').trim();
  return normal.length > 0 && haystack.includes(normal);
}

function looksLikeCommand(text: string): boolean {
  COMMAND.lastIndex = 0;
  DESTRUCTIVE.lastIndex = 0;
  return CODE_COMMAND.test(text) || COMMAND.test(text) || DESTRUCTIVE.test(text) || PIPE_TO_SHELL.test(text);
}

/** One free-text field, screened against the trusted tool output of its analysis. */
export function screenText(text: string, trusted: string): { text: string; changed: number } {
  let changed = 0;
  // Replacements are parked behind markers so the later passes never re-read a replacement's own words.
  const parked: string[] = [];
  const park = (value: string) => `\uE000${parked.push(value) - 1}\uE000`;
  const removed = (command: string) => {
    changed += 1;
    return park(`[unverified ${commandBaseName(command)} command removed: it appears in no tool output]`);
  };
  const input = text.replace(/\uE000/g, '');
  // Code spans first: a backticked command is the most "runnable" form.
  let out = input.replace(CODE_SPAN, (span: string, inner: string) => {
    if (!looksLikeCommand(inner)) return span;
    return seen(trusted, inner) && !PIPE_TO_SHELL.test(inner) ? park(span) : removed(inner);
  });
  const keepIfShown = (command: string) => (seen(trusted, command) && !PIPE_TO_SHELL.test(command) ? park(command) : removed(command));
  out = out.replace(DESTRUCTIVE, keepIfShown);
  out = out.replace(COMMAND, keepIfShown);
  // Whatever spelling of download-and-run survived the command passes takes its whole line with it.
  out = out
    .split('\n')
    .map((line) => (PIPE_TO_SHELL.test(line) ? removed(line) : line))
    .join('\n');
  const urls = screenUrls(out, trusted);
  return {
    text: urls.text.replace(/\uE000(\d+)\uE000/g, (_marker, index: string) => parked[Number(index)] ?? ''),
    changed: changed + urls.changed,
  };
}

/** Defangs each URL no trusted tool-output line shows; the words around it are kept as written. */
export function screenUrls(text: string, trusted: string): { text: string; changed: number } {
  let changed = 0;
  const out = text.replace(URL, (raw: string) => {
    const trailer = URL_TRAILER.exec(raw)?.[0] ?? '';
    const url = trailer ? raw.slice(0, -trailer.length) : raw;
    if (seen(trusted, url)) return raw;
    changed += 1;
    return `${defangUrl(url)}${trailer}`;
  });
  return { text: out, changed };
}

export interface ScreenResult {
  report: Report;
  defanged: number;
  capped: boolean;
}

/**
 * Screens a model-written report against the outputs of its analysis' tool calls. Runs after the quote check, so
 * an evidence item's quote is known to be verbatim in its cited output.
 */
export function screenModelReport(report: Report, outputs: readonly string[]): ScreenResult {
  const trusted = trustedOutput(outputs);
  let defanged = 0;
  const count = (result: { text: string; changed: number }) => {
    defanged += result.changed;
    return result.text;
  };
  const screen = (text: string) => count(screenText(text, trusted));
  const screenOptional = (text: string | undefined) => (text === undefined ? undefined : screen(text));
  const suspect = report.suspect
    ? dropUndefined({ ...report.suspect, id: screenOptional(report.suspect.id), service: screenOptional(report.suspect.service) })
    : undefined;
  const screened: Report = {
    ...report,
    summary: screen(report.summary),
    rootCause: screen(report.rootCause),
    ...(suspect ? { suspect } : {}),
    recommendations: report.recommendations.map(screen),
    timeline: report.timeline.map((entry) => ({
      ...entry,
      at: screen(entry.at),
      source: screen(entry.source),
      event: screen(entry.event),
      ...(entry.evidence ? { evidence: entry.evidence.map(screen) } : {}),
    })),
    evidence: report.evidence.map((item) => ({
      ...item,
      id: screen(item.id),
      source: screen(item.source),
      summary: screen(item.summary),
      // A quote keeps its words (it is verbatim tool output); only a link a poisoned line carried is made inert.
      ...(item.quote !== undefined ? { quote: count(screenUrls(item.quote, trusted)) } : {}),
    })),
    ...(report.alternatives
      ? {
          alternatives: report.alternatives.map((alt) => ({
            hypothesis: screen(alt.hypothesis),
            whyLessLikely: screen(alt.whyLessLikely),
          })),
        }
      : {}),
    ...(report.notes ? { notes: report.notes.map(screen) } : {}),
  };
  const notes = [...(screened.notes ?? [])];
  if (defanged > 0) {
    notes.push(
      `${defanged} URL${defanged === 1 ? '' : 's'} or command${defanged === 1 ? '' : 's'} the model wrote that no tool output showed were defanged`,
    );
  }
  const verified = report.evidence.filter((item) => item.quote !== undefined && !addressesModel(item.quote));
  const suspectId = report.suspect?.id?.trim();
  const suspectUnseen = suspectId !== undefined && suspectId !== '' && !seen(trusted, suspectId);
  let capped = false;
  if (report.confidence !== 'low' && (verified.length === 0 || suspectUnseen)) {
    capped = true;
    screened.confidence = 'low';
    notes.push(
      suspectUnseen
        ? `confidence capped at low: the suspect "${screened.suspect?.id ?? ''}" appears in no tool output`
        : 'confidence capped at low: the root cause cites no evidence whose quote was found in a tool output',
    );
  }
  return { report: { ...screened, aiGenerated: true, ...(notes.length > 0 ? { notes } : {}) }, defanged, capped };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
