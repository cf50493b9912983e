import { execFile } from 'node:child_process';
import path from 'node:path';
import { ToolInputError } from '../../shared/tool-result.js';

/** A slow filesystem or a huge repository must not hang a tool call. */
export const GIT_TIMEOUT_MS = 15_000;
/** Caps what one git invocation may print; `git log` is also bounded by --max-count. */
export const GIT_MAX_BUFFER = 32 * 1024 * 1024;

/** A full object id (SHA-1 or SHA-256) or an abbreviation git accepts (≥ 4 hex digits). */
const SHA_PATTERN = /^[0-9a-f]{4,64}$/i;
const FULL_SHA_PATTERN = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
/** Branch-like names only: no leading '-', no '..', no revision syntax beyond what a branch name may hold. */
const REF_PATTERN = /^(?!-)(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/;

export class GitError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(message);
  }
}

/** Rejects anything but hex before it can reach git, so an argument like `--output=/tmp/x` is never an option. */
export function assertSha(value: string, field = 'sha'): string {
  const trimmed = value.trim();
  if (!SHA_PATTERN.test(trimmed)) {
    throw new ToolInputError(
      `${field} "${cutForMessage(value)}" is malformed: give a full commit sha or a prefix of at least 4 hex digits (0-9, a-f)`,
      'copy the sha from get_recent_commits or search_commits',
    );
  }
  return trimmed.toLowerCase();
}

export function isFullSha(value: string): boolean {
  return FULL_SHA_PATTERN.test(value);
}

export function isValidRefName(value: string): boolean {
  return REF_PATTERN.test(value);
}

function cutForMessage(value: string): string {
  return value.length > 80 ? `${value.slice(0, 79)}…` : value;
}

/**
 * An environment that makes git non-interactive and read-only in effect: no credential prompts, no optional
 * lock files, no repository discovery above the configured folder, and no inherited GIT_DIR redirecting it.
 */
function gitEnv(repoPath: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of [
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_INDEX_FILE',
    'GIT_OBJECT_DIRECTORY',
    'GIT_ALTERNATE_OBJECT_DIRECTORIES',
    'GIT_NAMESPACE',
  ]) {
    delete env[key];
  }
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_OPTIONAL_LOCKS = '0';
  env.GIT_CEILING_DIRECTORIES = path.dirname(repoPath);
  env.LC_ALL = 'C';
  return env;
}

/** Global options that neutralise user configuration able to run programs or change output formats. */
const SAFE_CONFIG = ['-c', 'log.showSignature=false', '-c', 'color.ui=never', '-c', 'core.fsmonitor=false'];

export interface GitRunOptions {
  /** Written to git's stdin (for `cat-file --batch-check`). */
  input?: string;
  /** Exit codes treated as success (rev-parse --verify --quiet exits 1 for "no such object"). */
  okExitCodes?: number[];
}

export interface GitRunResult {
  stdout: string;
  exitCode: number;
}

/**
 * Runs one git command without a shell: arguments go to git as an array, so nothing in them is interpreted
 * by a shell. Callers pass only fixed subcommands with validated shas after `--end-of-options`.
 */
export function runGit(repoPath: string, args: readonly string[], options: GitRunOptions = {}): Promise<GitRunResult> {
  const fullArgs = ['--no-pager', '--no-optional-locks', ...SAFE_CONFIG, '-C', repoPath, ...args];
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      fullArgs,
      {
        env: gitEnv(repoPath),
        timeout: GIT_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        maxBuffer: GIT_MAX_BUFFER,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, exitCode: 0 });
        const code = typeof error.code === 'number' ? error.code : null;
        if (code !== null && options.okExitCodes?.includes(code)) return resolve({ stdout, exitCode: code });
        if (error.killed || error.signal) {
          return reject(new GitError(`git ${args[0]} took longer than ${GIT_TIMEOUT_MS / 1000}s and was stopped`, stderr, code));
        }
        if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          return reject(new GitError(`git ${args[0]} printed more than ${GIT_MAX_BUFFER} bytes`, stderr, code));
        }
        if (error.code === 'ENOENT') return reject(new GitError('git is not installed or not on PATH', '', null));
        const firstLine = stderr.split('\n').find((line) => line.trim().length > 0) ?? error.message;
        reject(new GitError(`git ${args[0]} failed: ${firstLine.trim()}`, stderr, code));
      },
    );
    child.stdin?.on('error', () => undefined);
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}
