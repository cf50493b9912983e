import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ToolInputError } from '../../shared/tool-result.js';
import { listingSignature, listRunbookFiles } from './files.js';
import { parseRunbook, type Runbook, type RunbookSection } from './parse.js';
import { ftsTerm, queryTerms } from './terms.js';

/** FTS5 candidates looked at per search before the service filter: far more than any limit, still a quick query. */
const MAX_CANDIDATES = 200;
/** bm25 column weights, in table order: an alert or a title naming the words says more than a word in the body. */
const BM25_WEIGHTS = 'bm25(sections, 6.0, 4.0, 3.0, 8.0, 3.0, 1.0)';

export interface CatalogOptions {
  /** RUNBOOKS_PATH entries: folders, globs or files. */
  paths: readonly string[];
}

export interface SearchArgs {
  query?: string | undefined;
  service?: string | undefined;
  alert?: string | undefined;
  limit: number;
}

/** How a runbook relates to the asked service: named in its front matter or `Service:` line, its folder, or its text. */
export type ServiceMatch = 'declared' | 'path' | 'text';

export interface SearchHit {
  runbook: Runbook;
  section: RunbookSection;
  /** bm25 turned positive: higher is better; comparable only within one search. */
  score: number;
  service: ServiceMatch | null;
  alert: string | null;
  terms: string[];
}

interface Row {
  runbook: Runbook;
  section: RunbookSection;
  /** Lower-case title and text of the whole runbook, for "the service is named in it". */
  text: string;
}

/**
 * The runbooks under RUNBOOKS_PATH in an in-memory SQLite FTS5 index, one row per section, ranked by BM25. Every
 * call first lists the files; when any was added, removed or edited since the last build, the index is rebuilt.
 */
export class RunbookCatalog {
  private db: Database.Database | undefined;
  private signature: string | undefined;
  private rows: Row[] = [];
  private byId = new Map<string, Runbook>();
  notes: string[] = [];

  constructor(private readonly options: CatalogOptions) {}

  /** Rebuilds the index when the files changed; cheap (one listing) when they did not. */
  refresh(): void {
    const listing = listRunbookFiles(this.options.paths);
    const signature = listingSignature(listing.files);
    if (signature === this.signature && this.db) return;
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE sections USING fts5(title, heading, services, alerts, tags, body, tokenize='porter unicode61')");
    const insert = db.prepare('INSERT INTO sections(rowid, title, heading, services, alerts, tags, body) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const rows: Row[] = [];
    const byId = new Map<string, Runbook>();
    const notes = [...listing.notes];
    for (const file of listing.files) {
      let text: string;
      try {
        text = readFileSync(file.abs, 'utf8');
      } catch (error) {
        notes.push(`${file.id} unreadable: ${(error as Error).message}`);
        continue;
      }
      const runbook = parseRunbook(text, file.id);
      byId.set(runbook.id, runbook);
      const whole =
        `${runbook.title}\n${runbook.sections.map((section) => `${section.title}\n${section.markdown}`).join('\n')}`.toLowerCase();
      for (const section of runbook.sections) {
        rows.push({ runbook, section, text: whole });
        insert.run(
          rows.length,
          runbook.title,
          section.title,
          runbook.services.join(' '),
          runbook.alerts.join(' '),
          runbook.tags.join(' '),
          section.markdown,
        );
      }
    }
    this.db?.close();
    this.db = db;
    this.rows = rows;
    this.byId = byId;
    this.notes = notes;
    this.signature = signature;
  }

  get runbookCount(): number {
    return this.byId.size;
  }

  get sectionCount(): number {
    return this.rows.length;
  }

  runbooks(): Runbook[] {
    return [...this.byId.values()];
  }

  get(id: string): Runbook | undefined {
    return this.byId.get(id.replace(/^\/+/, ''));
  }

  search(args: SearchArgs): { hits: SearchHit[]; total: number } {
    const db = this.db;
    if (!db) return { hits: [], total: 0 };
    const alert = args.alert?.trim() || undefined;
    const service = args.service?.trim().toLowerCase() || undefined;
    const terms = queryTerms(`${args.query ?? ''} ${alert ?? ''}`);
    if (terms.length === 0 && !service && !alert)
      throw new ToolInputError('nothing to search for', 'give a query (error text, failure class), a service or an alert name');
    const scores = new Map<number, number>();
    if (terms.length > 0) {
      const ranked = db
        .prepare(`SELECT rowid AS id, ${BM25_WEIGHTS} AS rank FROM sections WHERE sections MATCH ? ORDER BY rank LIMIT ?`)
        .all(terms.map(ftsTerm).join(' OR '), MAX_CANDIDATES) as { id: number; rank: number }[];
      for (const { id, rank } of ranked) scores.set(id, -rank);
    }
    const candidates: number[] = [];
    this.rows.forEach((row, index) => {
      const id = index + 1;
      const named = alert !== undefined && row.runbook.alerts.some((name) => name.toLowerCase() === alert.toLowerCase());
      // Without words, a service or an alert alone lists that runbook's sections in order.
      if (scores.has(id) || named || (terms.length === 0 && service !== undefined)) candidates.push(id);
    });
    const hits: SearchHit[] = [];
    for (const id of candidates) {
      const row = this.rows[id - 1];
      if (!row) continue;
      const serviceMatch = service ? serviceMatchOf(row, service) : null;
      if (service && !serviceMatch) continue;
      const alertMatch = alert ? (row.runbook.alerts.find((name) => name.toLowerCase() === alert.toLowerCase()) ?? null) : null;
      hits.push({
        runbook: row.runbook,
        section: row.section,
        score: scores.get(id) ?? 0,
        service: serviceMatch,
        alert: alertMatch,
        terms: [],
      });
    }
    // An alert the runbook declares for is the strongest tie a team can write down; BM25 orders the rest.
    hits.sort((a, b) => Number(b.alert !== null) - Number(a.alert !== null) || b.score - a.score);
    const shown = hits.slice(0, args.limit);
    this.explain(db, shown, terms);
    return { hits: shown, total: hits.length };
  }

  /** Which query words each hit shares, asked of the same index (so stemming agrees with the ranking). */
  private explain(db: Database.Database, hits: SearchHit[], terms: readonly string[]): void {
    if (hits.length === 0) return;
    const wanted = new Map(hits.map((hit) => [this.rows.findIndex((row) => row.section === hit.section) + 1, hit]));
    const query = db.prepare('SELECT rowid AS id FROM sections WHERE sections MATCH ?');
    for (const term of terms) {
      for (const { id } of query.all(ftsTerm(term)) as { id: number }[]) wanted.get(id)?.terms.push(term);
    }
  }
}

function serviceMatchOf(row: Row, service: string): ServiceMatch | null {
  if (row.runbook.services.some((name) => name.toLowerCase() === service)) return row.runbook.declaredServices ? 'declared' : 'path';
  return namesWord(row.text, service) ? 'text' : null;
}

/** The service's name as a whole word of the text (`checkout-api`, not `checkout-api-worker`). */
function namesWord(text: string, name: string): boolean {
  let from = text.indexOf(name);
  while (from >= 0) {
    const before = text[from - 1] ?? ' ';
    const after = text[from + name.length] ?? ' ';
    if (!/[\p{L}\p{N}_-]/u.test(before) && !/[\p{L}\p{N}_-]/u.test(after)) return true;
    from = text.indexOf(name, from + 1);
  }
  return false;
}
