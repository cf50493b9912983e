/**
 * Words, not strings: every comparison between symptoms, metrics and changes goes through these tokens, so the
 * engine matches meaning ("pool" in an error and in a commit) without knowing any particular incident.
 */

/** Words too common in logs and commit messages to say anything about a cause. */
const STOPWORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have in into is it its no not of on or ' +
    'our out over so than that the their then there these this to too up was were when which while will with without ' +
    'after before during add added adds update updated updates use using used fix fixed fixes change changed changes ' +
    'new old make made more less via per all any some get set let see now only also just one two error errors failed ' +
    'fail failure warn warning info debug fatal exception true false null undefined value values request requests ' +
    'service services app api server client code bump version release merge merged pr branch main master refactor chore ' +
    'feat docs doc test tests ms sec secs seconds minutes total count rate ratio bytes src lib ts js go py java json yaml'
  ).split(' '),
);

/** Shortest token worth keeping; shorter ones are ids, units and noise. */
const MIN_TOKEN = 3;

/**
 * Groups of words SREs treat as one concept. A change mentioning "cache" shares meaning with "heap" symptoms; a
 * symptom mentioning "getaddrinfo" is about DNS. General operations vocabulary, not tied to any dataset.
 */
const CONCEPTS: readonly (readonly string[])[] = [
  ['pool', 'pools', 'pooling', 'connection', 'connections', 'conn', 'conns', 'maxconnections', 'hikari', 'pgbouncer'],
  ['memory', 'heap', 'oom', 'oomkilled', 'leak', 'cache', 'caching', 'cached', 'rss', 'gc', 'allocation', 'buffer'],
  ['timeout', 'timeouts', 'timedout', 'deadline', 'latency', 'slow', 'slowdown', 'etimedout'],
  ['retry', 'retries', 'retrying', 'backoff'],
  ['dns', 'resolve', 'resolver', 'resolution', 'nxdomain', 'enotfound', 'getaddrinfo', 'hostname', 'lookup'],
  ['disk', 'ENOSPC', 'space', 'volume', 'filesystem', 'inode', 'inodes', 'storage'],
  ['tls', 'ssl', 'certificate', 'cert', 'x509', 'handshake', 'expired'],
  ['queue', 'queued', 'backlog', 'saturated', 'saturation', 'exhausted', 'rejected', 'throttle', 'throttled', 'throttling'],
  ['database', 'db', 'sql', 'postgres', 'mysql', 'query', 'queries', 'transaction'],
  ['cpu', 'throttling', 'load'],
  ['auth', 'token', 'tokens', 'credential', 'credentials', 'unauthorized', 'forbidden', 'permission'],
  ['schema', 'migration', 'column', 'index'],
  ['config', 'configuration', 'flag', 'flags', 'feature', 'setting', 'settings', 'env'],
].map((group) => group.map((word) => word.toLowerCase()));

const CONCEPT_OF = new Map<string, string>();
for (const group of CONCEPTS) for (const word of group) if (!CONCEPT_OF.has(word)) CONCEPT_OF.set(word, `~${group[0]}`);

/**
 * `[REDACTED:password#1]`: what the redaction layer leaves of a secret. Its words ("redacted", "password", "key")
 * would otherwise make any two redacted texts look related.
 */
const REDACTION_PLACEHOLDER = /\[REDACTED:[a-z0-9_]{1,40}(?:#\d{1,6})?\]/g;

/** Splits text into lowercase words: camelCase, snake_case, kebab-case and paths all break apart. */
export function words(text: string): string[] {
  return text
    .replace(REDACTION_PLACEHOLDER, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length >= MIN_TOKEN && !/^\d+$/.test(word) && !/^[0-9a-f]{7,}$/.test(word));
}

/** Meaningful tokens of a text, each with its concept when it has one, so "heap" and "cache" meet at "~memory". */
export function tokens(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of words(text)) {
    if (STOPWORDS.has(word)) continue;
    out.add(word);
    const concept = CONCEPT_OF.get(word);
    if (concept) out.add(concept);
  }
  return out;
}

/** The services a free text names: a service counts when its full name, or all its distinctive parts, appear. */
export function servicesNamedIn(text: string, services: readonly string[]): string[] {
  const lower = text.toLowerCase();
  const present = new Set(words(text));
  return services.filter((service) => {
    if (lower.includes(service.toLowerCase())) return true;
    const parts = words(service).filter((part) => !STOPWORDS.has(part));
    return parts.length > 0 && parts.every((part) => present.has(part));
  });
}

/** Whether a file path lies under a folder named after the service (services/<svc>/…, <svc>/…). */
export function pathTouchesService(file: string, service: string): boolean {
  const target = service.toLowerCase();
  return file
    .toLowerCase()
    .split('/')
    .slice(0, -1)
    .some((segment) => segment === target);
}

/** Known services a text names as whole words (e.g. `upstream=orders`, `orders.prod.internal`), other than `own`. */
export function otherServicesNamed(text: string, own: readonly string[], known: readonly string[]): string[] {
  return known.filter((service) => !own.includes(service) && new RegExp(`(^|[^\\w-])${escapeRegExp(service)}($|[^\\w-])`, 'i').test(text));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `service=checkout namespace=prod`: an alert's scope labels as words the service ranking can match. */
export function scopeLine(scope: Record<string, string> | undefined): string {
  return Object.entries(scope ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}
