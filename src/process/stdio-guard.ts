/**
 * Logging must never throw into the process. When the reader of stdout or stderr goes away (a log shipper restarting,
 * `npm start | tee` ending, journald restarting its stream sockets) every later write fails with EPIPE; without a
 * listener that failure is an uncaught exception, whose handler logs to the same stream and fails again: a spin.
 * Here the first failure silences that stream for good (every writer: console, Bolt's logger, the SDKs), says so
 * once on the other stream while it still works, and tells the caller, which decides whether to go on.
 */

export type StdioName = 'stdout' | 'stderr';

export interface StdioGuardOptions {
  /** Called once per stream, after it is silenced; e.g. an MCP server exits when its protocol stream is gone. */
  onClosed?(stream: StdioName, code: string): void;
  /** Whether to note a silenced stream on the other one; the CLI piped into `head` stays quiet. */
  note?: boolean;
}

const silenced = new Set<StdioName>();
let installed = false;
let options: StdioGuardOptions = {};

function streamOf(name: StdioName): NodeJS.WriteStream {
  return name === 'stdout' ? process.stdout : process.stderr;
}

/** A stand-in `write` that accepts and drops everything, so writers waiting on a callback or 'drain' move on. */
function dropWrites(stream: NodeJS.WriteStream): void {
  stream.write = ((_chunk: unknown, encodingOrDone?: unknown, done?: unknown) => {
    const callback = typeof encodingOrDone === 'function' ? encodingOrDone : typeof done === 'function' ? done : undefined;
    if (callback) queueMicrotask(() => (callback as () => void)());
    return true;
  }) as NodeJS.WriteStream['write'];
}

/** Whether `name` has been silenced after a failed write. */
export function stdioClosed(name: StdioName): boolean {
  return silenced.has(name);
}

/** Writes to a stream unless it is silenced; never throws (a synchronous failure silences it like an 'error' event). */
export function safeWrite(name: StdioName, text: string): void {
  if (silenced.has(name)) return;
  try {
    streamOf(name).write(text);
  } catch (error) {
    silence(name, error);
  }
}

function silence(name: StdioName, error: unknown): void {
  if (silenced.has(name)) return;
  silenced.add(name);
  dropWrites(streamOf(name));
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'write error';
  const other: StdioName = name === 'stdout' ? 'stderr' : 'stdout';
  if (options.note !== false)
    safeWrite(other, `${new Date().toISOString()} [WARN] ${name} closed (${code}): its further output is dropped\n`);
  options.onClosed?.(name, code);
}

/** Installs the guard on stdout and stderr (once per process; later calls only update the options). */
export function guardStdio(guardOptions: StdioGuardOptions = {}): void {
  options = guardOptions;
  if (installed) return;
  installed = true;
  for (const name of ['stdout', 'stderr'] as const) streamOf(name).on('error', (error) => silence(name, error));
}
