import { onTestFinished, vi } from 'vitest';

/**
 * Collects console.error lines for the rest of the current test instead of printing them, for tests that provoke an
 * error log on purpose: the test asserts the line it expects, so the log is checked rather than merely hidden.
 */
export function captureConsoleErrors(): string[] {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  onTestFinished(() => spy.mockRestore());
  return lines;
}
