import { resolveDataDir } from '../shared/dataset.js';
import { type LiveSwitch, liveElsewhere, noneReason } from '../shared/live-switches.js';
import type { LogsServerOptions } from './context.js';
import { servicesFromEnv, zonesFromEnv } from './zones.js';

/** This server's live switches: a folder of files or one of the remote stores. */
export const LOGS_SWITCHES: readonly LiveSwitch[] = ['LOGS_PATH', 'LOKI_URL', 'ELASTICSEARCH_URL', 'JOURNAL_PATH'];

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Configuration from the environment. With LOGS_PATH (live mode) the dataset folder is read only when
 * DATA_DIR is set explicitly, so the sample dataset's logs and `now` never mix into live logs. With no log source of
 * its own while another server reads live systems (and no DATA_DIR), there are no logs (noneReason).
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): LogsServerOptions {
  const logsPath = nonEmpty(env.LOGS_PATH);
  const other = logsPath ? undefined : liveElsewhere(env, LOGS_SWITCHES);
  if (other) return { noneReason: noneReason('logs', LOGS_SWITCHES, other) };
  const zones = zonesFromEnv(env);
  const services = servicesFromEnv(env);
  const zoned = { ...(zones.fallback || zones.rules.length > 0 ? { zones } : {}), ...(services.length > 0 ? { services } : {}) };
  if (!logsPath) return { dataDir: resolveDataDir(env), ...zoned };
  return { logsPath, dataDir: nonEmpty(env.DATA_DIR) ? resolveDataDir(env) : undefined, ...zoned };
}
