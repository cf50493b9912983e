import type { CommitOut, DeploymentOut } from '../../../mcp-servers/git/schemas.js';
import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import { parseTimeArg } from '../../../mcp-servers/shared/time.js';
import type { HostTool, ToolHost, ToolOutcome } from '../../../src/agent/types.js';
import type { ErrorRate } from '../../../src/engines/builtin/facts.js';

/** A synthetic incident: the raw material the fake tools answer from. */
export interface Scenario {
  now: string;
  services: string[];
  anomalies: AnomalyOut[];
  errorRates?: ErrorRate[];
  logs: { time: string; service: string; level: 'warn' | 'error'; message: string }[];
  deployments: DeploymentOut[];
  commits: CommitOut[];
}

const TOOLS: Record<string, string> = {
  list_services: 'logs',
  error_summary: 'logs',
  list_metrics: 'metrics',
  get_anomalies: 'metrics',
  get_error_rates: 'metrics',
  get_deployments: 'git',
  get_recent_commits: 'git',
  get_commit: 'git',
};

/**
 * A ToolHost that answers the engine's tools from a Scenario, honouring the time windows, with text renderings in
 * the spirit of the real servers. It lets unit tests build incidents the sample datasets never contain.
 */
export class FakeHost implements ToolHost {
  readonly calls: { name: string; args: Record<string, unknown> }[] = [];

  constructor(private readonly scenario: Scenario) {}

  listTools(): HostTool[] {
    return Object.entries(TOOLS).map(([name, server]) => ({ name, server, serverToolName: name, description: name, inputSchema: {} }));
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<ToolOutcome> {
    this.calls.push({ name, args });
    const s = this.scenario;
    const now = new Date(s.now);
    const since = typeof args.since === 'string' ? parseTimeArg(args.since, now, 'since').getTime() : -Infinity;
    const until = typeof args.until === 'string' ? parseTimeArg(args.until, now, 'until').getTime() : Infinity;
    const inside = (time: string) => Date.parse(time) >= since && Date.parse(time) <= until;
    switch (name) {
      case 'list_services': {
        const services = s.services.map((service) => ({ service, entries: 1, errors: 0, warnings: 0, firstSeen: null, lastSeen: null }));
        return ok(`${services.length} services; now ${s.now}\n${s.services.join('\n')}`, { services, now: s.now });
      }
      case 'list_metrics':
        return ok(`0 metrics; now ${s.now}`, { metrics: [], now: s.now });
      case 'get_anomalies': {
        const anomalies = s.anomalies.filter((anomaly) => inside(anomaly.onset));
        const lines = anomalies.map(
          (a) => `${a.onset} ${a.metric} ${a.service ?? '-'} ${a.kind} ${a.baseline} → ${a.peak} [${a.severity}]`,
        );
        return ok([`${anomalies.length} anomalies`, ...lines].join('\n'), { anomalies, seriesScanned: 10 });
      }
      case 'get_error_rates': {
        const services = (s.errorRates ?? []).map((rate) => ({ unit: 'ratio', peak: rate.current, ...rate }));
        const window = { start: s.now, end: s.now };
        const lines = services.map((rate) => `${rate.service} ${rate.metric} ${rate.status}`);
        return ok(['error rates', ...lines].join('\n'), { services, baselineWindow: window, currentWindow: window });
      }
      case 'error_summary': {
        const groups = new Map<string, Scenario['logs']>();
        for (const entry of s.logs.filter((log) => inside(log.time)))
          groups.set(entry.message, [...(groups.get(entry.message) ?? []), entry]);
        const signatures = [...groups.entries()]
          .map(([message, entries]) => ({
            signature: message.replace(/\d+/g, '<n>'),
            level: entries[0]?.level ?? 'error',
            count: entries.length,
            firstSeen: entries[0]?.time ?? null,
            lastSeen: entries.at(-1)?.time ?? null,
            services: [...new Set(entries.map((entry) => entry.service))],
            example: `${entries[0]?.time} ERROR [${entries[0]?.service}] ${message}`,
          }))
          .sort((a, b) => b.count - a.count);
        const lines = signatures.map((sig) => `${sig.count}× ${sig.signature}\n  e.g. ${sig.example}`);
        return ok([`${signatures.length} signatures`, ...lines].join('\n'), {
          signatures,
          totalErrors: signatures.reduce((sum, sig) => sum + sig.count, 0),
          totalWarnings: 0,
          distinctSignatures: signatures.length,
        });
      }
      case 'get_deployments': {
        const deployments = s.deployments.filter((d) => inside(d.deployedAt));
        const lines = deployments.map(
          (d) => `${d.deployedAt} ${d.service} ${d.version} → ${d.environment} id=${d.id} “${d.description ?? ''}”`,
        );
        return ok([`${deployments.length} deployments`, ...lines].join('\n'), { deployments, total: deployments.length, truncated: false });
      }
      case 'get_recent_commits': {
        const commits = s.commits.filter((c) => inside(c.date));
        const lines = commits.map((c) => `${c.shortSha} ${c.date} [${c.service ?? '-'}] ${c.author}: ${c.message.split('\n')[0]}`);
        return ok([`${commits.length} commits`, ...lines].join('\n'), { commits, total: commits.length, truncated: false });
      }
      case 'get_commit': {
        const commit = s.commits.find((c) => c.sha.startsWith(String(args.sha)));
        if (!commit) return { ok: false, text: `Error: no commit ${String(args.sha)}`, ms: 0 };
        return ok(`${commit.sha} ${commit.message}`, { commit: { ...commit, diffStat: null }, deployments: [] });
      }
      default:
        return { ok: false, text: `Error: unknown tool ${name}`, ms: 0 };
    }
  }
}

function ok(text: string, structured: Record<string, unknown>): ToolOutcome {
  return { ok: true, text, structured, ms: 1 };
}
