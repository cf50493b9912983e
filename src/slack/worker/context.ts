import type { Report } from '../../report/schema.js';

/** How much of a thread or earlier report is handed to the engine; models have small context windows. */
export const THREAD_CONTEXT_CHARS = 8000;
export const REPORT_CONTEXT_CHARS = 6000;
/** Messages read from a thread (one conversations.replies page). */
export const THREAD_MESSAGE_LIMIT = 100;

export interface ThreadMessage {
  user?: string;
  bot_id?: string;
  username?: string;
  text?: string;
  ts?: string;
}

/** The thread as plain lines, oldest first, newest kept when it is too long; the bot's own messages skipped. */
export function threadTranscript(messages: ThreadMessage[], self: { botId?: string; userId?: string }): string {
  const lines = messages
    .filter((m) => !(self.botId && m.bot_id === self.botId) && !(self.userId && m.user === self.userId))
    .map((m) => {
      const who = m.user ? `<@${m.user}>` : (m.username ?? (m.bot_id ? `bot ${m.bot_id}` : 'unknown'));
      return `${who}: ${(m.text ?? '').trim()}`;
    })
    .filter((line) => !line.endsWith(': '));
  const out: string[] = [];
  let total = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    if (total + line.length + 1 > THREAD_CONTEXT_CHARS) {
      // Keep the first message (usually the incident itself) even when the middle has to go.
      if (i > 0 && lines[0]) out.unshift(lines[0], '… (earlier messages truncated)');
      break;
    }
    out.unshift(line);
    total += line.length + 1;
  }
  return out.join('\n');
}

/** The earlier report as text for a follow-up analysis. */
export function reportContext(report: Report): string {
  const lines = [
    `Previous analysis of: ${report.incident}`,
    `Summary: ${report.summary}`,
    `Confidence: ${report.confidence}`,
    `Root cause: ${report.rootCause}`,
  ];
  if (report.suspect) lines.push(`Suspect: ${report.suspect.kind} ${report.suspect.id ?? ''} ${report.suspect.service ?? ''}`.trim());
  lines.push(`Window: ${report.window.start} → ${report.window.end}`);
  for (const entry of report.timeline) lines.push(`Timeline ${entry.at} [${entry.source}] ${entry.event}`);
  for (const item of report.evidence)
    lines.push(`Evidence ${item.id} (${item.tool}): ${item.summary}${item.quote ? ` — "${item.quote}"` : ''}`);
  for (const rec of report.recommendations) lines.push(`Recommendation: ${rec}`);
  const text = lines.join('\n');
  return text.length > REPORT_CONTEXT_CHARS ? `${text.slice(0, REPORT_CONTEXT_CHARS)}\n… (truncated)` : text;
}

/** Removes `<@U123>` mentions of the bot (and leading punctuation) from a mention's text. */
export function stripMention(text: string, botUserId?: string): string {
  const pattern = botUserId ? new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, 'g') : /^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>/;
  return text
    .replace(pattern, ' ')
    .replace(/^[\s:,]+/, '')
    .trim();
}
