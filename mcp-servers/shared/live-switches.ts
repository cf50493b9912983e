/**
 * Every server's live switches: the variables that point one server at the team's own systems. With one of them set,
 * the analysis is of live systems, so a server with nothing of its own configured must not fall back to the bundled
 * sample dataset (the host refuses to mix live and sample servers, and a sample incident must never pass as the
 * company's): it serves nothing and says so. An explicit DATA_DIR still asks for the dataset.
 */
export const LIVE_SWITCHES = [
  'LOGS_PATH',
  'LOKI_URL',
  'ELASTICSEARCH_URL',
  'JOURNAL_PATH',
  'GIT_REPO_PATH',
  'GITHUB_REPOSITORY',
  'GITLAB_PROJECT',
  'PROMETHEUS_URL',
  'KUBECONFIG',
  'KUBE_CONTEXT',
  'KUBE_IN_CLUSTER',
] as const;

export type LiveSwitch = (typeof LIVE_SWITCHES)[number];

/** KUBE_IN_CLUSTER is a boolean: only a true value reads a cluster; any other switch counts once it is non-empty. */
function switchedOn(name: LiveSwitch, value: string | undefined): boolean {
  const text = value?.trim().toLowerCase() ?? '';
  if (name === 'KUBE_IN_CLUSTER') return ['true', '1', 'yes'].includes(text);
  return text !== '';
}

/**
 * The first live switch of another server (one not in `own`) that is set, when DATA_DIR is not set explicitly;
 * undefined when the server may serve the sample dataset. Callers ask only when none of their own switches is set.
 */
export function liveElsewhere(env: NodeJS.ProcessEnv, own: readonly LiveSwitch[]): LiveSwitch | undefined {
  if (env.DATA_DIR?.trim()) return undefined;
  return LIVE_SWITCHES.find((name) => !own.includes(name) && switchedOn(name, env[name]));
}

/** The detail of a server's `none` data-source line: what it lacks, what to set, and why no sample is served. */
export function noneReason(what: string, own: readonly LiveSwitch[], other: LiveSwitch): string {
  const names = own.length > 1 ? `${own.slice(0, -1).join(', ')} or ${own[own.length - 1]}` : own.join('');
  return `no ${what} configured: set ${names}; ${other} reads live systems, so the sample dataset is not served`;
}
