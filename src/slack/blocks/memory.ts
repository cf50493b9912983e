import type { EngineStats, RememberedIncident } from '../../memory/types.js';
import { SLACK_LIMITS } from './limits.js';
import { type SlackMessage, section } from './report.js';
import { joinBounded, oneLine } from './text.js';

function day(at: number): string {
  return new Date(at).toISOString().slice(0, 16).replace('T', ' ');
}

/** `/rca history [service]`: the last analyses the asker may see, each with its verdict, votes and confirmed cause. */
export function buildHistoryMessage(
  entries: readonly RememberedIncident[],
  service: string | undefined,
  everything: boolean,
): SlackMessage {
  const where = everything ? 'all channels' : 'this channel';
  const title = `*Past analyses${service ? ` of ${oneLine(service, 80)}` : ''}* (${where}, newest first)`;
  if (entries.length === 0) {
    const text = `No past analyses${service ? ` of ${oneLine(service, 80)}` : ''} in ${where}.`;
    return { text, blocks: [section(`${title}\n${text}`)] };
  }
  const lines = entries.map((entry) => {
    const suspect = entry.suspectKind
      ? ` · ${oneLine(entry.suspectKind, 30)}${entry.suspectId ? ` \`${oneLine(entry.suspectId, 60)}\`` : ''}`
      : '';
    const confirmed = entry.confirmed ? `\n    :white_check_mark: confirmed: ${oneLine(entry.confirmed.cause, 200)}` : '';
    return (
      `• \`${day(entry.at)}\` ${oneLine(entry.summary, 200)} _(${entry.confidence}${suspect})_ · :+1: ${entry.votes.up} :-1: ${entry.votes.down}` +
      ` · \`${oneLine(entry.analysisId, 40)}\`${confirmed}`
    );
  });
  return { text: `${entries.length} past analyses`, blocks: [section(joinBounded([title, ...lines], SLACK_LIMITS.sectionText))] };
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${Math.round((part / whole) * 100)}%`;
}

/** `/rca stats`: per engine over the period: analyses, 👍 share of votes, confirmed causes that agree with the suspect. */
export function buildStatsMessage(stats: readonly EngineStats[], days: number): SlackMessage {
  const title = `*Analyses in the last ${days} days*`;
  if (stats.length === 0) return { text: `No analyses in the last ${days} days.`, blocks: [section(`${title}\nNone yet.`)] };
  const lines = stats.map(
    (s) =>
      `• *${oneLine(s.engine, 80)}*: ${s.analyses} analyses · votes :+1: ${s.up} / :-1: ${s.down} (${percent(s.up, s.up + s.down)} helpful)` +
      ` · confirmed causes ${s.confirmed}, suspect correct in ${s.confirmedCorrect} (${percent(s.confirmedCorrect, s.confirmed)})`,
  );
  return {
    text: `${stats.reduce((n, s) => n + s.analyses, 0)} analyses in ${days} days`,
    blocks: [section(joinBounded([title, ...lines], SLACK_LIMITS.sectionText))],
  };
}
