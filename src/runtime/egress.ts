import { ConfigError } from '../config-error.js';

/** What goes where: the start-up line that tells an operator exactly what leaves the machine. */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host.endsWith('.localhost');
  } catch {
    return false;
  }
}

/** An API key over plain HTTP to another machine can be read by anyone on the path: a start-up error, not a warning. */
export function assertSafeModelTransport(config: { OLLAMA_HOST: string; OLLAMA_API_KEY?: string | undefined }): void {
  if (!config.OLLAMA_API_KEY) return;
  if (config.OLLAMA_HOST.toLowerCase().startsWith('https://') || isLoopback(config.OLLAMA_HOST)) return;
  throw new ConfigError(
    `invalid configuration:\n  OLLAMA_API_KEY: would be sent in clear text over plain HTTP to ${config.OLLAMA_HOST}; set OLLAMA_HOST to an https:// URL (or a loopback address), or unset OLLAMA_API_KEY`,
  );
}

export interface EgressFacts {
  engine: 'auto' | 'ollama' | 'builtin';
  modelHost: string;
  apiKey: boolean;
  redactedKinds: string[];
  emails: boolean;
  ips: boolean;
  extraPatterns: number;
  /** Other destinations (the Slack bot adds its Web API). */
  also?: string[];
}

export function describeEgress(facts: EgressFacts): string {
  const where = isLoopback(facts.modelHost) ? 'this machine' : facts.modelHost;
  const model =
    facts.engine === 'builtin'
      ? 'nothing goes to a model (ANALYSIS_ENGINE=builtin)'
      : `the incident, thread/alert context and tool results go to the model at ${facts.modelHost}${where === 'this machine' ? ' (loopback)' : ''}${facts.apiKey ? ' with OLLAMA_API_KEY' : ''}${facts.engine === 'auto' ? ' when it answers, else nothing (built-in engine)' : ''}`;
  const redaction = `redaction on: secrets (${facts.redactedKinds.filter((kind) => kind !== 'email' && kind !== 'ip').length} kinds), e-mails ${facts.emails ? 'on' : 'off'}, IPs ${facts.ips ? 'on' : 'off'}, company patterns ${facts.extraPatterns}`;
  return [`leaves this machine: ${model}`, ...(facts.also ?? []), redaction].join('; ');
}
