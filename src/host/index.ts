export { expandVars, HostConfigError, loadHostConfig, McpConfigSchema, parseHostConfig, type ServerSpec } from './config.js';
export { childEnvironment, MAX_RESTART_ATTEMPTS, type ServerState } from './connection.js';
export type { HostEvent, HostEventType } from './events.js';
export { DEFAULT_TOOL_TIMEOUT_MS, type HostOptions, McpHost, type ServerStatus } from './host.js';
