import { type Symptom, symptomText } from './symptoms.js';

/**
 * Errors name code: stack frames, panics and messages carry file paths, classes and functions. A change whose files
 * (or whose commit messages) name the same code is linked to the symptom by the code path, which is independent of
 * when it shipped and of the words the two happen to share.
 */

/** Source files by extension; a config or data file named in an error is not code the error ran through. */
const SOURCE_FILE =
  /^[\w.@/-]*?([\w@-][\w.@-]*)\.(?:py|java|kt|scala|go|rs|rb|php|cs|c|cc|cpp|h|hpp|ts|tsx|js|jsx|mjs|cjs|ex|exs|erl|swift|clj)$/;
/** Class-like names: two or more capitalised humps (OrderService, PaymentClient). */
const CLASS_NAME = /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+$/;
/** An identifier a function could be called by. */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Function names start lower-case (`Object.<anonymous>` and runtime frames do not); C#-style names count as classes. */
const FUNCTION_NAME = /^[a-z_][\w$]*$/;
/** Words after which a trace names the function it ran in: `at reserveItems (`, `in apply_discount`, `func=…`. */
const FRAME_WORD = /^(at|in|func|function)$/i;
/** Tokens are split on whitespace, quotes, brackets, commas and colons, so every pattern runs on one short token. */
const SEPARATORS = /[\s"'`()[\]{},;:=*<>]+/;
/** Longer tokens are blobs (base64, minified code), never a path or a name; skipping them bounds the work per token. */
const MAX_TOKEN = 300;
/** Only this much of a symptom's text is read: signatures, one example and one detail line fit easily. */
const MAX_TEXT = 20_000;
/** File stems every project has: naming one says nothing about which change. */
const GENERIC_STEMS = new Set(['index', 'main', 'app', 'server', 'init', '__init__', 'mod', 'lib', 'utils', 'util', 'common', 'handler']);
/** Shortest identifier compared with commit messages; shorter names collide with ordinary words. */
const MIN_IDENTIFIER = 6;
/** The most references read from one symptom: a long trace's tail is frameworks. */
const MAX_REFS = 40;

export interface CodeRef {
  /** What the error names, as written. */
  ref: string;
  /** The normalised key compared with file stems and identifiers: lowercase, separators dropped. */
  key: string;
  form: 'file' | 'class' | 'function';
}

function normal(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function stemOf(file: string): string {
  const base = file.split('/').pop() ?? file;
  return base.replace(/\.[a-z0-9]+$/i, '');
}

/** The code an error names: source files (by stem), class names and frame function names. */
export function codeRefs(text: string): CodeRef[] {
  const refs = new Map<string, CodeRef>();
  const add = (ref: string, key: string, form: CodeRef['form']) => {
    if (refs.size < MAX_REFS && key.length >= 3 && !GENERIC_STEMS.has(key) && !refs.has(`${form}:${key}`))
      refs.set(`${form}:${key}`, { ref, key, form });
  };
  const tokens = text.slice(0, MAX_TEXT).split(SEPARATORS);
  for (let index = 0; index < tokens.length && refs.size < MAX_REFS; index++) {
    const token = tokens[index] ?? '';
    if (token.length === 0 || token.length > MAX_TOKEN) continue;
    const file = SOURCE_FILE.exec(token);
    if (file) {
      add(token, normal(stemOf(token)), 'file');
      continue;
    }
    // `com.acme.OrderReserver.reserveItems` and `(*Handler).Serve`: each dotted part may be a class or a function;
    // generated proxies (`CheckoutService$$SpringCGLIB$$0`) and inner classes (`Outer$Inner`) name their class first.
    const parts = token
      .split('.')
      .map((part) => part.split('$').find((piece) => piece.length > 0) ?? '')
      .filter((part) => IDENTIFIER.test(part));
    for (const part of parts) if (CLASS_NAME.test(part)) add(part, normal(part), 'class');
    const last = parts[parts.length - 1];
    if (last && last.length >= MIN_IDENTIFIER && FRAME_WORD.test(tokens[index - 1] ?? '') && FUNCTION_NAME.test(last))
      add(last, normal(last), 'function');
  }
  return [...refs.values()];
}

export interface CodeLink {
  ref: CodeRef;
  /** The changed file, or the commit message, that names the same code. */
  where: string;
}

/** What a change (changes.ts) touched, as far as tracing code needs it. */
export interface TouchedCode {
  files: readonly string[];
  commits: readonly { files: readonly string[]; message: string }[];
}

/** The code the symptoms name that this change touched: a file of the same stem, or its name in a commit message. */
export function codeLinks(change: TouchedCode, symptoms: readonly Symptom[]): CodeLink[] {
  return commitCodeLinks(
    [...new Set([...change.files, ...change.commits.flatMap((commit) => commit.files)])],
    change.commits.map((commit) => commit.message),
    symptoms,
  );
}

/** The code the symptoms name among these files, or named in these commit messages. */
export function commitCodeLinks(changedFiles: readonly string[], messages: readonly string[], symptoms: readonly Symptom[]): CodeLink[] {
  const refs = symptoms.flatMap((symptom) => codeRefs([symptomText(symptom), symptom.trace ?? ''].join('\n')));
  if (refs.length === 0) return [];
  const stems = changedFiles.map((file) => ({ file, stem: normal(stemOf(file)) })).filter(({ stem }) => !GENERIC_STEMS.has(stem));
  const links: CodeLink[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    if (seen.has(ref.key)) continue;
    const file = stems.find(({ stem }) => stem === ref.key);
    if (file) {
      seen.add(ref.key);
      links.push({ ref, where: file.file });
      continue;
    }
    // A class or function name written in a commit message is the author saying they changed it.
    if (ref.form !== 'file' && ref.ref.length >= MIN_IDENTIFIER) {
      const pattern = new RegExp(`(^|[^A-Za-z0-9_])${ref.ref.replace(/[$]/g, '\\$')}($|[^A-Za-z0-9_])`);
      const message = messages.find((text) => pattern.test(text));
      if (message !== undefined) {
        seen.add(ref.key);
        links.push({ ref, where: message.split('\n')[0] ?? message });
      }
    }
  }
  return links;
}
