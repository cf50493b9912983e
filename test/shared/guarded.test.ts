import { describe, expect, it, vi } from 'vitest';
import { guarded } from '../../mcp-servers/shared/tool-result.js';

describe('guarded tool handlers', () => {
  it('a call cancelled by its caller is no server fault, whatever the abort reason was (a string included)', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const controller = new AbortController();
      controller.abort('AbortError: This operation was aborted');
      const handler = guarded(async (_args: unknown, extra: { signal?: AbortSignal }) => {
        extra.signal?.throwIfAborted();
        return { content: [] };
      });
      const result = await handler({}, { signal: controller.signal });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain('the call was cancelled');
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it('an unexpected failure without a cancellation is still logged as a server fault', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const result = await guarded(async () => {
        throw new Error('boom');
      })({}, { signal: new AbortController().signal });
      expect(JSON.stringify(result.content)).toContain('this looks like a server fault');
      expect(logged).toHaveBeenCalledTimes(1);
    } finally {
      logged.mockRestore();
    }
  });
});
