import type { BackendConfig } from './config.js';
import { ElasticsearchBackend } from './elasticsearch.js';
import { JournaldBackend } from './journald.js';
import { LokiBackend } from './loki.js';
import type { RemoteOptions } from './remote.js';
import type { LogsBackend } from './types.js';

export type { BackendConfig } from './config.js';
export { BackendConfigError, backendFromEnv } from './config.js';
export type { LogsBackend } from './types.js';

/** The remote store a configuration names; undefined for files (the server builds that one from its own options). */
export function createRemoteBackend(config: BackendConfig, options: RemoteOptions = {}): LogsBackend | undefined {
  if (config.kind === 'loki') return new LokiBackend(config, options);
  if (config.kind === 'elasticsearch') return new ElasticsearchBackend(config, options);
  if (config.kind === 'journald') return new JournaldBackend(config, options);
  return undefined;
}
