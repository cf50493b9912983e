import type { AnalyzeRequest, Engine, ToolHost } from '../agent/types.js';
import type { EngineChoice, EngineConfig } from '../config.js';
import { buildEvidencePack, createBuiltinEngine } from './builtin/index.js';
import { createOllamaEngineFromConfig } from './ollama/index.js';
import { hasModel, OllamaProvider } from './ollama/ollama-provider.js';

/** How long `auto` waits for Ollama's /api/tags before settling for the built-in engine. */
export const PROBE_TIMEOUT_MS = 1_500;

export interface Selection {
  engine: Engine;
  /** One line for the user when `auto` fell back, e.g. "Ollama not reachable at …; using the built-in engine". */
  note?: string;
}

export type SelectConfig = Pick<
  EngineConfig,
  'OLLAMA_HOST' | 'OLLAMA_MODEL' | 'OLLAMA_API_KEY' | 'OLLAMA_NUM_CTX' | 'ANALYSIS_TIMEOUT_MS' | 'TOOL_TIMEOUT_MS' | 'OLLAMA_EVIDENCE_PACK'
> &
  Partial<Pick<EngineConfig, 'OLLAMA_THINK'>>;

/** Is Ollama up with the configured model? Resolves to a reason when not; never throws. */
export async function probeOllama(
  config: SelectConfig,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const provider = new OllamaProvider({ host: config.OLLAMA_HOST, model: config.OLLAMA_MODEL, apiKey: config.OLLAMA_API_KEY });
  try {
    const models = await provider.listModels(AbortSignal.timeout(timeoutMs));
    if (hasModel(models, config.OLLAMA_MODEL)) return { ok: true };
    return {
      ok: false,
      reason: `Ollama at ${config.OLLAMA_HOST} has no model "${config.OLLAMA_MODEL}" (run \`ollama pull ${config.OLLAMA_MODEL}\`)`,
    };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return { ok: false, reason: `Ollama did not answer at ${config.OLLAMA_HOST} within ${timeoutMs} ms` };
    }
    return { ok: false, reason: (error as Error).message.replace(/ \(or use --engine builtin\)$/, '') };
  }
}

/** The built-in correlator's findings as the model's starting point; its calls are recorded in the model's session. */
async function evidencePack(request: AnalyzeRequest, host: ToolHost): Promise<string | undefined> {
  const { onEvent: _quiet, ...rest } = request;
  const report = await createBuiltinEngine(host).analyze(rest);
  return buildEvidencePack(report);
}

export async function selectEngine(choice: EngineChoice, host: ToolHost, config: SelectConfig): Promise<Selection> {
  const ollama = () => createOllamaEngineFromConfig(host, config, config.OLLAMA_EVIDENCE_PACK ? { preflight: evidencePack } : {});
  if (choice === 'builtin') return { engine: createBuiltinEngine(host) };
  if (choice === 'ollama') return { engine: ollama() };
  const probe = await probeOllama(config);
  if (probe.ok) return { engine: ollama() };
  return { engine: createBuiltinEngine(host), note: `${probe.reason}; using the built-in engine` };
}
