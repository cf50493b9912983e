import { createBuiltinEngine } from '../engines/builtin/index.js';
import type { EngineProvider } from './runner.js';
import { datasetHost, replayHost } from './servers.js';

export const ENGINE_CHOICES = ['builtin', 'ollama', 'auto'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** The built-in correlator over the in-process servers: fast, deterministic, no model. */
export const builtinProvider: EngineProvider = async (dataDir, replayFile, runbooksDir) => {
  const host = replayFile ? await replayHost(replayFile) : await datasetHost(dataDir, runbooksDir ? { runbooksDir } : {});
  return { engine: createBuiltinEngine(host), close: () => host.close() };
};

export async function providerFor(choice: EngineChoice): Promise<EngineProvider> {
  if (choice === 'builtin') return builtinProvider;
  const { runtimeProvider } = await import('./runtime-provider.js');
  return runtimeProvider(choice);
}
