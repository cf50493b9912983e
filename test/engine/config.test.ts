// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the config format itself uses ${VAR} placeholders
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LIVE_SWITCHES } from '../../mcp-servers/shared/live-switches.js';
import { ConfigError, EngineEnvSchema, loadConfig } from '../../src/config.js';
import { expandVars, HostConfigError, loadHostConfig, parseHostConfig } from '../../src/host/config.js';

describe('loadConfig (environment)', () => {
  it('applies defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      OLLAMA_HOST: 'http://127.0.0.1:11434',
      OLLAMA_MODEL: 'qwen3:8b',
      OLLAMA_NUM_CTX: 32_768,
      ANALYSIS_ENGINE: 'auto',
      MCP_CONFIG: 'mcp-servers.json',
      OLLAMA_EVIDENCE_PACK: true,
    });
    expect(config.OLLAMA_API_KEY).toBeUndefined();
  });

  it('normalises hosts written the way the ollama CLI accepts them', () => {
    expect(loadConfig({ OLLAMA_HOST: 'localhost:11434' }).OLLAMA_HOST).toBe('http://localhost:11434');
    expect(loadConfig({ OLLAMA_HOST: 'https://ollama.com/' }).OLLAMA_HOST).toBe('https://ollama.com');
  });

  it('names the variable and what it expects', () => {
    expect(() => loadConfig({ OLLAMA_NUM_CTX: 'lots' })).toThrow(ConfigError);
    expect(() => loadConfig({ OLLAMA_NUM_CTX: 'lots' })).toThrow(/OLLAMA_NUM_CTX: expected a whole number/);
    expect(() => loadConfig({ ANALYSIS_ENGINE: 'gpt' })).toThrow(/ANALYSIS_ENGINE: expected one of auto, ollama, builtin/);
    expect(() => loadConfig({ TOOL_TIMEOUT_MS: '5' })).toThrow(/TOOL_TIMEOUT_MS: expected at least 100/);
    expect(() => loadConfig({ OLLAMA_EVIDENCE_PACK: 'maybe' })).toThrow(/OLLAMA_EVIDENCE_PACK: expected true or false/);
  });

  it('exports a schema the Slack bot can extend', () => {
    const extended = EngineEnvSchema.extend({ SLACK_BOT_TOKEN: z.string().startsWith('xoxb-') });
    expect(extended.parse({ SLACK_BOT_TOKEN: 'xoxb-1' })).toMatchObject({ SLACK_BOT_TOKEN: 'xoxb-1', OLLAMA_MODEL: 'qwen3:8b' });
    expect(extended.safeParse({}).success).toBe(false);
  });
});

describe('host config (mcp-servers.json)', () => {
  it('expands ${VAR} and ${env:VAR}; an unset variable becomes empty', () => {
    expect(expandVars('a=${A} b=${env:B} c=${C}', { A: '1', B: '2' })).toBe('a=1 b=2 c=');
  });

  it('resolves cwd and existing relative file arguments against the config folder, leaving flags alone', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ip-hostcfg-'));
    mkdirSync(path.join(dir, 'servers'));
    writeFileSync(path.join(dir, 'servers', 'x.js'), '');
    const configPath = path.join(dir, 'mcp.json');
    const specs = parseHostConfig(
      {
        mcpServers: {
          x: { command: 'node', args: ['servers/x.js', '--flag', '-y', '${DATA}'], env: { DATA_DIR: '${DATA}', EMPTY: '${NOPE}' } },
          y: { command: 'npx', args: ['-y', '@scope/server'], cwd: 'servers' },
          remote: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${env:TOKEN}' } },
        },
      },
      configPath,
      { DATA: '/data/set', TOKEN: 't0k' },
    );
    expect(specs[0]).toEqual({
      name: 'x',
      kind: 'stdio',
      // The running Node, never whichever `node` PATH finds first.
      command: process.execPath,
      args: [path.join(dir, 'servers', 'x.js'), '--flag', '-y', '/data/set'],
      env: { DATA_DIR: '/data/set', EMPTY: '' },
      cwd: dir,
    });
    expect(specs[1]).toMatchObject({ args: ['-y', '@scope/server'], cwd: path.join(dir, 'servers') });
    expect(specs[2]).toEqual({
      name: 'remote',
      kind: 'http',
      url: 'https://mcp.example.com/mcp',
      headers: { Authorization: 'Bearer t0k' },
    });
  });

  it('resolves a relative server path missing next to the config against the install folder, never the working directory', () => {
    const install = mkdtempSync(path.join(tmpdir(), 'ip-install-'));
    mkdirSync(path.join(install, 'dist'));
    writeFileSync(path.join(install, 'dist', 'server.js'), '');
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'ip-team-'));
    const config = { mcpServers: { x: { command: 'node', args: ['dist/server.js', 'dist/absent.js'] } } };
    const [spec] = parseHostConfig(config, path.join(elsewhere, 'mcp.json'), {}, install);
    expect(spec).toMatchObject({
      command: process.execPath,
      args: [path.join(install, 'dist', 'server.js'), 'dist/absent.js'],
      cwd: elsewhere,
    });
    // Next to the config wins over the install folder: a team may ship its own build of a server.
    mkdirSync(path.join(elsewhere, 'dist'));
    writeFileSync(path.join(elsewhere, 'dist', 'server.js'), '');
    const [own] = parseHostConfig(config, path.join(elsewhere, 'mcp.json'), {}, install);
    expect(own).toMatchObject({ args: [path.join(elsewhere, 'dist', 'server.js'), 'dist/absent.js'] });
    // Without an install folder only the config's own folder is searched.
    const [bare] = parseHostConfig(config, path.join(install, 'elsewhere.json'), {});
    expect(bare).toMatchObject({ args: [path.join(install, 'dist', 'server.js'), 'dist/absent.js'] });
  });

  it('starts `node` and `nodejs` with the running Node; other commands as written', () => {
    const config = { mcpServers: { a: { command: 'node' }, b: { command: 'nodejs' }, c: { command: 'npx', args: ['-y', 'pkg'] } } };
    const specs = parseHostConfig(config, 'm.json', {});
    expect(specs.map((spec) => (spec.kind === 'stdio' ? spec.command : ''))).toEqual([process.execPath, process.execPath, 'npx']);
  });

  it('names the entry that is malformed', () => {
    const bad = { mcpServers: { logs: { command: 'node' }, git: { comand: 'node', args: [] } } };
    expect(() => parseHostConfig(bad, 'mcp.json', {})).toThrow(HostConfigError);
    expect(() => parseHostConfig(bad, 'mcp.json', {})).toThrow(/mcp\.json: invalid at mcpServers\.git \(server "git"\)/);
    expect(() => parseHostConfig({ mcpServers: { a: { command: 'node', args: 'x.js' } } }, 'm.json', {})).toThrow(/server "a"/);
    expect(() => parseHostConfig({ servers: {} }, 'm.json', {})).toThrow(/invalid at/);
    expect(() => parseHostConfig({ mcpServers: {} }, 'm.json', {})).toThrow(/no servers configured/);
    expect(() => parseHostConfig({ mcpServers: { r: { url: '${U}' } } }, 'm.json', {})).toThrow(/server "r": url "" is not a URL/);
  });

  it('explains a missing or unparsable file', () => {
    expect(() => loadHostConfig('/nonexistent/mcp.json', {})).toThrow(/cannot read MCP config \/nonexistent\/mcp\.json: file not found/);
    const dir = mkdtempSync(path.join(tmpdir(), 'ip-hostcfg-'));
    const file = path.join(dir, 'mcp.json');
    writeFileSync(file, '{"mcpServers": {');
    expect(() => loadHostConfig(file, {})).toThrow(/is not valid JSON/);
  });

  it('parses the repository mcp-servers.json', () => {
    const specs = loadHostConfig(path.resolve(import.meta.dirname, '../../mcp-servers.json'), { DATA_DIR: '/d' });
    expect(specs.map((spec) => spec.name)).toEqual(['logs', 'git', 'metrics', 'runbooks', 'kubernetes']);
    expect(specs[0]).toMatchObject({ kind: 'stdio', env: { DATA_DIR: '/d', LOGS_PATH: '' } });
  });

  it('passes every server every live switch, so one left unconfigured serves none instead of the sample dataset', () => {
    const specs = loadHostConfig(path.resolve(import.meta.dirname, '../../mcp-servers.json'), {});
    for (const spec of specs) {
      const env = spec.kind === 'stdio' ? spec.env : {};
      for (const name of LIVE_SWITCHES)
        expect({ server: spec.name, name, passed: name in (env ?? {}) }).toEqual({ server: spec.name, name, passed: true });
    }
  });
});
