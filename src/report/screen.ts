import type { Report } from './schema.js';

/**
 * Screening of what a model wrote before anyone reads it. A model that read a poisoned log line may repeat its URL
 * or command as advice, or blame what the line told it to blame. So: a URL or shell command in the model's
 * free text that no tool output showed is defanged; a line of tool output that addresses the model (claims to be
 * the system, tells it to ignore its instructions, pipes a download into a shell) does not count as showing
 * anything; and a root cause resting on no verified evidence, or on a suspect no tool output names, is capped at low.
 */

export const AI_MARKER = 'AI analysis — verify before acting';

/** Lines of data that talk to a model rather than about a system; their contents vouch for nothing. */
const ADDRESSES_MODEL =
  /\b(?:system|assistant|developer)\s*(?:prompt|message|note|override)?\s*:|<\|[a-z_]{2,30}\|>|\bignore\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier|your)\s+(?:instructions|rules|prompts?)\b|\b(?:ai|llm|language model|assistant)\s*,?\s+(?:you\s+)?(?:must|should|will|are to)\b|\byou\s+are\s+now\b/i;
/** Downloading and running code in one go is never an incident recommendation, whoever suggested it. */
const PIPE_TO_SHELL = /\|\s{0,4}(?:sudo\s{1,4})?(?:ba|z|da|k)?sh\b|\|\s{0,4}(?:python3?|perl|ruby|node|iex|powershell)\b/i;
const URL = /\b(?:https?|ftp|wss?):\/\/[^\s<>"'`|\]\\]{1,2000}/gi;
const COMMAND_WORDS =
  'curl|wget|bash|sh|zsh|rm|chmod|chown|dd|nc|ncat|python3?|perl|powershell|iex|eval|kubectl|docker|helm|ssh|scp|psql|mysql|redis-cli|aws|gcloud|az|systemctl|git';
/** Shell invocations as a model would write them in prose; the argument lookahead keeps "sh" and "rm" as words out. */
const COMMAND = new RegExp(
  `(?<![\\w/.-])(?:sudo\\s{1,4})?(?:${COMMAND_WORDS})\\s{1,4}(?=[^\\n\`]{0,200}?(?:\\s-{1,2}[A-Za-z]|\\/|\\||:\\/\\/|&&|\\$\\(|;))[^\\n\`]{1,300}`,
  'g',
);
/** Inside backticks the formatting already says "run this": a leading command word is enough. */
const CODE_COMMAND = new RegExp(`^\\s*(?:sudo\\s+)?(?:${COMMAND_WORDS})(?:\\s|$)`);
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

function commandWord(command: string): string {
  return /^(?:sudo\s+)?(\S+)/.exec(command.trim())?.[1] ?? 'shell';
}

function looksLikeCommand(text: string): boolean {
  COMMAND.lastIndex = 0;
  return CODE_COMMAND.test(text) || COMMAND.test(text) || PIPE_TO_SHELL.test(text);
}

/** One free-text field, screened against the trusted tool output of its analysis. */
export function screenText(text: string, trusted: string): { text: string; changed: number } {
  let changed = 0;
  // Replacements are parked behind markers so the later passes never re-read a replacement's own words.
  const parked: string[] = [];
  const park = (value: string) => `\uE000${parked.push(value) - 1}\uE000`;
  const removed = (command: string) => {
    changed += 1;
    return park(`[unverified ${commandWord(command)} command removed: it appears in no tool output]`);
  };
  const input = text.replace(/\uE000/g, '');
  // Code spans first: a backticked command is the most "runnable" form.
  let out = input.replace(CODE_SPAN, (span: string, inner: string) => {
    if (!looksLikeCommand(inner)) return span;
    return seen(trusted, inner) && !PIPE_TO_SHELL.test(inner) ? park(span) : removed(inner);
  });
  out = out.replace(COMMAND, (command: string) =>
    seen(trusted, command) && !PIPE_TO_SHELL.test(command) ? park(command) : removed(command),
  );
  out = out.replace(URL, (raw: string) => {
    const trailer = URL_TRAILER.exec(raw)?.[0] ?? '';
    const url = trailer ? raw.slice(0, -trailer.length) : raw;
    if (seen(trusted, url)) return raw;
    changed += 1;
    return `${defangUrl(url)}${trailer}`;
  });
  return { text: out.replace(/\uE000(\d+)\uE000/g, (_marker, index: string) => parked[Number(index)] ?? ''), changed };
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
  const screen = (text: string) => {
    const result = screenText(text, trusted);
    defanged += result.changed;
    return result.text;
  };
  const screened: Report = {
    ...report,
    summary: screen(report.summary),
    rootCause: screen(report.rootCause),
    recommendations: report.recommendations.map(screen),
    timeline: report.timeline.map((entry) => ({ ...entry, event: screen(entry.event) })),
    evidence: report.evidence.map((item) => ({ ...item, summary: screen(item.summary) })),
    ...(report.alternatives
      ? {
          alternatives: report.alternatives.map((alt) => ({
            hypothesis: screen(alt.hypothesis),
            whyLessLikely: screen(alt.whyLessLikely),
          })),
        }
      : {}),
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
        ? `confidence capped at low: the suspect "${suspectId}" appears in no tool output`
        : 'confidence capped at low: the root cause cites no evidence whose quote was found in a tool output',
    );
  }
  return { report: { ...screened, aiGenerated: true, ...(notes.length > 0 ? { notes } : {}) }, defanged, capped };
}
