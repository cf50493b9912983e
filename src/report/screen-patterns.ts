/**
 * The patterns the report screen uses to recognise data that talks to a model, shell commands and download-and-run
 * spellings. Every quantifier is bounded by a small constant and no two unbounded runs of the same characters sit
 * side by side, so a match attempt does constant work per starting position: a 128 KB line of spaces or of "AI"
 * repeats is decided in linear time (test/engine/screen-linear.test.ts runs them in a child process with a hard kill).
 */

/** Gaps between words: bounded, because "AI" + 128,000 spaces must not be scanned once per possible split. */
const GAP = '\\s{1,8}';
const OPT_GAP = '\\s{0,8}';

/** Who a poisoned line pretends to be, or names as its reader. */
const ROLE = '(?:system|assistant|developer|ai|llm|model|chatbot)';
const READER = '(?:analyst|analy[sz]er|assistant|bot|ai|agent|model|llm|investigator|responder|copilot|gpt|claude|reader|rca)';

/** Lines of data that talk to a model rather than about a system; their contents vouch for nothing. */
export const ADDRESSES_MODEL = new RegExp(
  [
    // "SYSTEM:", "assistant:", "AI:", "developer note:", "system prompt override:"
    `\\b${ROLE}${OPT_GAP}(?:(?:prompt|message|note|override|instructions?)${OPT_GAP}){0,2}:`,
    // chat-template tokens such as <|im_start|>
    '<\\|[a-z_]{2,30}\\|>',
    // "ignore previous", "disregard all prior instructions", "forget the above"
    `\\b(?:ignore|disregard|forget|override)${GAP}(?:all${GAP}|any${GAP}|the${GAP}|your${GAP}|of${GAP})?(?:previous|prior|above|earlier|preceding|former|system|existing)\\b`,
    // "note for the automated analyst", "dear incident bot", "message to the AI", "hey assistant"
    `\\b(?:note|notice|message|memo|instructions?|attention|hey|hi|hello|dear|greetings|psst)${OPT_GAP}(?:for|to)?${OPT_GAP}(?:the${GAP}|any${GAP}|an?${GAP}|all${GAP})?(?:(?:automated|automatic|incident|rca|ai|llm|on-?call|analysis|root-cause)${GAP}){0,2}${READER}s?\\b`,
    // "automated analyst", "AI assistant" anywhere: nobody writes these about a system
    `\\b(?:automated|ai|llm)${GAP}(?:analyst|assistant|agent|investigator|responder)s?\\b`,
    // "AI, you must …", "assistant: you will …", "LLM should …"
    `\\b(?:ai|llm|language${GAP}model|assistant|bot)${OPT_GAP},?${OPT_GAP}(?:you${GAP})?(?:must|should|will|shall|are${GAP}to|need${GAP}to)\\b`,
    '\\byou\\s{1,8}are\\s{1,8}now\\b',
    '\\bas\\s{1,8}an\\s{1,8}(?:ai|llm|language\\s{1,8}model)\\b',
  ].join('|'),
  'i',
);

/** A path before a command word (`/usr/bin/`, `./`, `C:\bin\`); the command is then known by its base name. */
const PATH_PREFIX = '(?:(?:[A-Za-z]:)?[\\\\/]?(?:[\\w.~-]{0,60}[\\\\/]){1,12})?';
/** Quotes a writer may put around a command word (`'kubectl'`, `"curl"`). */
const QUOTE = `["'\u2018\u2019\u201C\u201D]?`;
/** `sudo`, `env`, `exec`, `nohup` and their flags in front of the real command. */
const WRAPPERS = `(?:(?:sudo|env|exec|nohup|command|doas|time)${GAP}(?:-{1,2}[\\w=-]{1,20}${GAP}){0,3})?`;
const SHELL = `${QUOTE}${PATH_PREFIX}(?:ba|z|da|k|fi|c|tc|a)?sh${QUOTE}`;
const INTERPRETER = `${QUOTE}${PATH_PREFIX}(?:python[\\d.]{0,4}|perl|ruby|node|php|iex|pwsh|powershell|lua|osascript)${QUOTE}`;

/** Downloading and running code in one go is never an incident recommendation, whoever suggested it. */
export const PIPE_TO_SHELL = new RegExp(
  [
    // `| sh`, `| /bin/bash`, `|sudo -E bash`, `| sh -`, `| /usr/bin/env python3`
    `\\|${OPT_GAP}${WRAPPERS}${PATH_PREFIX}${WRAPPERS}(?:${SHELL}|${INTERPRETER})(?![\\w.-])`,
    // `bash <(curl …)`, `sh -c "$(wget …)"`, `source <(curl …)`, `eval $(curl …)`: any fetch run by substitution
    `[<$]\\(${OPT_GAP}${QUOTE}${PATH_PREFIX}(?:curl|wget|fetch|iwr|invoke-webrequest)\\b`,
    // backticks around a fetch do the same: `\`curl …\``
    '`\\s{0,8}(?:curl|wget)\\b[^`\\n]{0,300}`',
    // PowerShell's download-and-run
    '\\b(?:iex|invoke-expression)\\b[^\\n]{0,40}\\b(?:iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring|new-object)\\b',
  ].join('|'),
  'i',
);

export const URL = /\b(?:https?|ftp|wss?):\/\/[^\s<>"'`|\]\\]{1,2000}/gi;

export const COMMAND_WORDS =
  'curl|wget|bash|sh|zsh|rm|chmod|chown|dd|nc|ncat|python3?|perl|powershell|iex|eval|kubectl|docker|helm|ssh|scp|psql|mysql|redis-cli|aws|gcloud|az|systemctl|git|pip3?|npm|npx|pnpm|yarn|apt|apt-get|yum|dnf|apk|brew|gem|cargo|terraform|oc|mkfs|shred';

/** A command word as written in prose or code: optional wrapper, path and quotes around its base name. */
const COMMAND_HEAD = `(?:sudo${GAP})?${QUOTE}${PATH_PREFIX}(?:${COMMAND_WORDS})${QUOTE}`;

/** Shell invocations as a model would write them in prose; the argument lookahead keeps "sh" and "rm" as words out. */
export const COMMAND = new RegExp(
  `(?<![\\w/.\\\\-])${COMMAND_HEAD}\\s{1,4}(?=[^\\n\`]{0,200}?(?:\\s-{1,2}[A-Za-z]|\\/|\\||:\\/\\/|&&|\\$\\(|;))[^\\n\`]{1,300}`,
  'g',
);

/** Inside backticks the formatting already says "run this": a leading command word is enough. */
export const CODE_COMMAND = new RegExp(`^\\s{0,20}${COMMAND_HEAD}(?:\\s|$)`);

/**
 * Installs and destructive verbs: removed wherever they appear unless a tool output shows them verbatim, because
 * "pip install", "npx …", "kubectl delete …" and "DROP TABLE" change systems whether or not they carry a flag.
 */
export const DESTRUCTIVE = new RegExp(
  `(?<![\\w/.\\\\-])(?:${[
    `(?:sudo${GAP})?${QUOTE}${PATH_PREFIX}(?:pip[\\d.]{0,4}|pipx|npm|pnpm|yarn|bun|gem|cargo|apt|apt-get|yum|dnf|apk|brew|conda|poetry|uv|choco|winget|snap)${QUOTE}${GAP}(?:install|add|i)\\b`,
    // `go get` / `go install` only with a module path, so "go get coffee" stays prose
    `${QUOTE}${PATH_PREFIX}go${QUOTE}${GAP}(?:install|get)${GAP}[\\w.-]{1,100}\\/`,
    `${QUOTE}${PATH_PREFIX}(?:npx|pnpx|bunx|pnpm${GAP}dlx|yarn${GAP}dlx)${QUOTE}${GAP}\\S`,
    `(?:sudo${GAP})?${QUOTE}${PATH_PREFIX}(?:kubectl|oc|helm)${QUOTE}${GAP}(?:-{1,2}[\\w=-]{1,30}${GAP}(?:[\\w.=-]{1,60}${GAP})?){0,3}(?:delete|drain|uninstall|destroy)\\b`,
    `(?:sudo${GAP})?${QUOTE}${PATH_PREFIX}rm${QUOTE}${GAP}(?:-{1,2}[\\w-]{0,20}${GAP}){0,3}-[A-Za-z]{0,4}[rRf]`,
    `(?:sudo${GAP})?${QUOTE}${PATH_PREFIX}(?:terraform|tofu)${QUOTE}${GAP}destroy\\b`,
    `(?:sudo${GAP})?${QUOTE}${PATH_PREFIX}(?:mkfs(?:\\.\\w{1,8})?|shred|wipefs)${QUOTE}${GAP}\\S`,
    `(?:sudo${GAP})?${QUOTE}${PATH_PREFIX}dd${QUOTE}${GAP}(?:\\S{1,60}${GAP}){0,3}of=`,
    `git${GAP}(?:push${GAP}[^\\n\`]{0,100}(?:--force|-f)\\b|reset${GAP}--hard|clean${GAP}-[A-Za-z]{0,4}f)`,
    `(?:drop|truncate)${GAP}(?:table|database|schema|index|keyspace|collection)\\b`,
    `flushall\\b|flushdb\\b`,
  ].join('|')})[^\\n\`]{0,300}`,
  'gi',
);

/** `/usr/bin/curl`, `'kubectl'`, `sudo rm` → `curl`, `kubectl`, `rm`: the word the removal notice names. */
export function commandBaseName(command: string): string {
  const words = command
    .trim()
    .split(/\s+/, 8)
    .map((word) => word.replace(/^["'\u2018\u2019\u201C\u201D]+|["'\u2018\u2019\u201C\u201D]+$/g, ''));
  const wrappers = new Set(['sudo', 'env', 'exec', 'nohup', 'command', 'doas', 'time']);
  const head = words.find((word) => word !== '' && !wrappers.has(word) && !word.startsWith('-')) ?? 'shell';
  const base = head.split(/[\\/]/).pop() ?? head;
  return /^[\w.+-]{1,40}$/.test(base) ? base : 'shell';
}
