import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ToolPolicy } from './policy.js';

/**
 * `mcp-servers.json` in the `mcpServers` format Claude Desktop, Cursor and VS Code share: `command`/`args`/`env`/`cwd`
 * for a stdio server, `url`/`headers` for a Streamable HTTP one. `${VAR}` and `${env:VAR}` expand from the environment.
 */

export class HostConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostConfigError';
  }
}

const StdioEntrySchema = z.strictObject({
  command: z.string().min(1, { error: 'command is empty' }),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
  type: z.literal('stdio').optional(),
  disabled: z.boolean().optional(),
  description: z.string().optional(),
  allowTools: z.array(z.string().min(1)).optional().describe('tool names or globs offered to the model; others are withheld'),
  denyTools: z.array(z.string().min(1)).optional().describe('tool names or globs never offered'),
});

const HttpEntrySchema = z.strictObject({
  url: z.string().min(1, { error: 'url is empty' }),
  headers: z.record(z.string(), z.string()).optional(),
  type: z.enum(['http', 'streamable-http', 'streamableHttp']).optional(),
  disabled: z.boolean().optional(),
  description: z.string().optional(),
  allowTools: z.array(z.string().min(1)).optional().describe('tool names or globs offered to the model; others are withheld'),
  denyTools: z.array(z.string().min(1)).optional().describe('tool names or globs never offered'),
});

const EntrySchema = z.union([StdioEntrySchema, HttpEntrySchema], {
  error: 'expected either {"command", "args"?, "env"?, "cwd"?} for a stdio server or {"url", "headers"?} for an HTTP server',
});

export const McpConfigSchema = z.strictObject({
  mcpServers: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'server names may use letters, digits, _ and - only' }), EntrySchema),
});
export type McpConfigFile = z.infer<typeof McpConfigSchema>;

export type ServerSpec = (
  | { name: string; kind: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd: string }
  | { name: string; kind: 'http'; url: string; headers: Record<string, string> }
) &
  ToolPolicy;

const VARIABLE = /\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Expands `${VAR}` and `${env:VAR}`; an unset variable becomes '' so optional settings can stay in the file. */
export function expandVars(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(VARIABLE, (_match, name: string) => env[name] ?? '');
}

/**
 * A relative argument that names an existing file next to the config (e.g. `dist/mcp-servers/logs/index.js`), or else
 * in the install folder (a team's own mcp-servers.json elsewhere naming the bundled servers), is made absolute, so the
 * CLI works from any folder and never from the caller's; flags and package names such as `-y` or `@scope/pkg` are
 * left alone.
 */
function resolveArg(arg: string, dirs: readonly string[]): string {
  if (arg === '' || arg.startsWith('-') || path.isAbsolute(arg) || !/[\\/]|\.(?:c|m)?js$|\.py$/.test(arg)) return arg;
  for (const dir of dirs) {
    const candidate = path.resolve(dir, arg);
    if (existsSync(candidate)) return candidate;
  }
  return arg;
}

/** `node` is the Node running this process: the first `node` on PATH may be another version, or missing under systemd. */
const NODE_COMMANDS = new Set(['node', 'node.exe', 'nodejs']);

function resolveCommand(command: string, dirs: readonly string[]): string {
  return NODE_COMMANDS.has(command) ? process.execPath : resolveArg(command, dirs);
}

export function parseHostConfig(data: unknown, configPath: string, env: NodeJS.ProcessEnv, installDir?: string): ServerSpec[] {
  const parsed = McpConfigSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.map(String).join('.') : '(root)';
    const entry = issue?.path[0] === 'mcpServers' && issue.path[1] !== undefined ? ` (server "${String(issue.path[1])}")` : '';
    throw new HostConfigError(`${configPath}: invalid at ${where}${entry}: ${issue?.message ?? 'invalid'}`);
  }
  const baseDir = path.dirname(path.resolve(configPath));
  const dirs = installDir && path.resolve(installDir) !== baseDir ? [baseDir, path.resolve(installDir)] : [baseDir];
  const specs: ServerSpec[] = [];
  for (const [name, entry] of Object.entries(parsed.data.mcpServers)) {
    if (entry.disabled) continue;
    const policy: ToolPolicy = {
      ...(entry.allowTools ? { allowTools: entry.allowTools } : {}),
      ...(entry.denyTools ? { denyTools: entry.denyTools } : {}),
    };
    if ('command' in entry) {
      const command = expandVars(entry.command, env);
      if (command.trim() === '') throw new HostConfigError(`${configPath}: server "${name}": command expands to an empty string`);
      const cwdRaw = entry.cwd === undefined ? '' : expandVars(entry.cwd, env);
      specs.push({
        name,
        kind: 'stdio',
        command: resolveCommand(command, dirs),
        args: (entry.args ?? []).map((arg) => resolveArg(expandVars(arg, env), dirs)),
        env: Object.fromEntries(Object.entries(entry.env ?? {}).map(([key, value]) => [key, expandVars(value, env)])),
        cwd: cwdRaw === '' ? baseDir : path.resolve(baseDir, cwdRaw),
        ...policy,
      });
    } else {
      const url = expandVars(entry.url, env);
      if (!URL.canParse(url)) throw new HostConfigError(`${configPath}: server "${name}": url "${url}" is not a URL`);
      specs.push({
        name,
        kind: 'http',
        url,
        headers: Object.fromEntries(Object.entries(entry.headers ?? {}).map(([key, value]) => [key, expandVars(value, env)])),
        ...policy,
      });
    }
  }
  if (specs.length === 0) throw new HostConfigError(`${configPath}: no servers configured under "mcpServers"`);
  return specs;
}

export function loadHostConfig(configPath: string, env: NodeJS.ProcessEnv, installDir?: string): ServerSpec[] {
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new HostConfigError(`cannot read MCP config ${configPath}: ${reason} (pass --config FILE or set MCP_CONFIG)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new HostConfigError(`${configPath} is not valid JSON: ${(error as Error).message}`);
  }
  return parseHostConfig(data, configPath, env, installDir);
}
