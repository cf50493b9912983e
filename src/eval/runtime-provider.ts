import { ConfigError } from '../config.js';
import { HostConfigError } from '../host/config.js';
import { createRuntime } from '../runtime/runtime.js';
import { type EngineProvider, UsageError } from './runner.js';

/**
 * Ollama and auto run through the application's own runtime: the stdio MCP host (built servers in dist/) over the
 * case's dataset and the configured model, so an eval measures exactly what users get.
 */
export function runtimeProvider(choice: 'ollama' | 'auto'): EngineProvider {
  return async (dataDir) => {
    let runtime: Awaited<ReturnType<typeof createRuntime>>;
    try {
      runtime = await createRuntime({ dataDir });
    } catch (error) {
      if (error instanceof ConfigError || error instanceof HostConfigError) throw new UsageError(error.message);
      throw error;
    }
    return {
      engine: { name: choice, analyze: (request) => runtime.analyze({ ...request, engine: choice }) },
      close: () => runtime.close(),
    };
  };
}
