import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Doc, EsError, type SearchBody, search } from './search.js';

/**
 * A loopback Elasticsearch written from its REST API reference, enough for the logs backend and the official client:
 * GET / (with the x-elastic-product header the client checks), POST /_bulk (NDJSON index/create actions), _refresh,
 * <index>/_search and <index>/_field_caps over index names, comma lists and wildcards; errors are the documented
 * {"error": {"root_cause": [...], "type", "reason"}, "status"} bodies; auth by API key or basic.
 */

export interface FakeEsOptions {
  maxResultWindow?: number;
  maxBuckets?: number;
  apiKey?: string;
  basic?: { username: string; password: string };
  /** OpenSearch answers without the x-elastic-product header and with its own version block. */
  flavour?: 'elasticsearch' | 'opensearch';
}

export interface FakeEs {
  url: string;
  requests: { method: string; path: string; body: unknown }[];
  bytesSent: number;
  failNext(status: number, count: number): void;
  close(): Promise<void>;
}

export async function startFakeElasticsearch(options: FakeEsOptions = {}): Promise<FakeEs> {
  const limits = { maxResultWindow: options.maxResultWindow ?? 10_000, maxBuckets: options.maxBuckets ?? 65_536 };
  const docs: Doc[] = [];
  const requests: FakeEs['requests'] = [];
  const state = { bytesSent: 0, failures: { status: 0, count: 0 } };
  const indices = () => [...new Set(docs.map((d) => d.index))];

  const resolve = (pattern: string, params: URLSearchParams): Set<string> => {
    const names = new Set<string>();
    for (const part of decodeURIComponent(pattern).split(',')) {
      if (part.includes('*')) {
        const re = new RegExp(`^${part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
        for (const name of indices()) if (re.test(name)) names.add(name);
      } else if (indices().includes(part) || part === '_all') names.add(part);
      else if (params.get('ignore_unavailable') !== 'true') throw new EsError(404, 'index_not_found_exception', `no such index [${part}]`);
    }
    return names;
  };

  /** Per index, every field path seen with a sample value: the dynamic mapping, as documents arrive. */
  const mappings = new Map<string, Map<string, unknown>>();
  const learn = (index: string, source: Record<string, unknown>, prefix = '') => {
    let mapping = mappings.get(index);
    if (!mapping) {
      mapping = new Map();
      mappings.set(index, mapping);
    }
    for (const [key, value] of Object.entries(source)) {
      const field = `${prefix}${key}`;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) learn(index, value as Record<string, unknown>, `${field}.`);
      else if (!mapping.has(field)) mapping.set(field, value);
    }
  };

  const fieldCaps = (names: Set<string>, wanted: string[]) => {
    const fields: Record<string, Record<string, { type: string; searchable: boolean; aggregatable: boolean }>> = {};
    for (const [index, mapping] of mappings) {
      if (!names.has(index) && !names.has('_all')) continue;
      for (const field of wanted) {
        if (fields[field]) continue;
        const base = field.replace(/\.keyword$/, '');
        if (!mapping.has(base)) continue;
        const value = mapping.get(base);
        // An index template maps the ECS/OTel keyword fields as keyword; other strings get dynamic text + .keyword.
        const keywordBase = /^(log\.level|service\.name|host\.name|severity_text|resource\.attributes\.)/.test(base);
        let type: string;
        if (field.endsWith('.keyword')) {
          if (typeof value !== 'string' || keywordBase || base === '@timestamp') continue;
          type = 'keyword';
        } else type = typeof value === 'number' ? 'long' : base === '@timestamp' ? 'date' : keywordBase ? 'keyword' : 'text';
        fields[field] = { [type]: { type, searchable: true, aggregatable: type !== 'text' } };
      }
    }
    return { indices: [...names], fields };
  };

  const bulk = (text: string) => {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const items: unknown[] = [];
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const action = JSON.parse(lines[i] ?? '{}') as Record<string, { _index?: string }>;
      const [op, meta] = Object.entries(action)[0] ?? ['index', {}];
      const source = JSON.parse(lines[i + 1] ?? '{}') as Record<string, unknown>;
      const index = meta._index ?? 'logs';
      docs.push({ index, seq: docs.length, source });
      learn(index, source);
      items.push({
        [op]: {
          _index: index,
          _id: String(docs.length - 1),
          _version: 1,
          result: 'created',
          status: 201,
          _seq_no: docs.length - 1,
          _primary_term: 1,
        },
      });
    }
    return { took: 1, errors: false, items };
  };

  const authorised = (req: http.IncomingMessage) => {
    const header = req.headers.authorization ?? '';
    if (options.apiKey) return header === `ApiKey ${options.apiKey}`;
    if (options.basic) return header === `Basic ${Buffer.from(`${options.basic.username}:${options.basic.password}`).toString('base64')}`;
    return true;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://es');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const send = (status: number, body: unknown) => {
        const text = JSON.stringify(body);
        state.bytesSent += Buffer.byteLength(text);
        const product = options.flavour === 'opensearch' ? {} : { 'x-elastic-product': 'Elasticsearch' };
        res.writeHead(status, { 'content-type': 'application/json', ...product });
        res.end(text);
      };
      const fail = (e: EsError) =>
        send(e.status, {
          error: {
            root_cause: [{ type: e.type, reason: e.message }],
            type: e.outerType,
            reason: e.outerType === e.type ? e.message : 'all shards failed',
          },
          status: e.status,
        });
      let body: unknown;
      try {
        body = raw && !url.pathname.endsWith('_bulk') ? JSON.parse(raw) : undefined;
      } catch {
        return fail(new EsError(400, 'parse_exception', 'request body is required to be valid JSON'));
      }
      requests.push({ method: req.method ?? 'GET', path: url.pathname, body });
      if (state.failures.count > 0) {
        state.failures.count -= 1;
        return fail(
          new EsError(
            state.failures.status,
            state.failures.status === 429 ? 'es_rejected_execution_exception' : 'unavailable_shards_exception',
            'rejected',
          ),
        );
      }
      if (!authorised(req)) return fail(new EsError(401, 'security_exception', 'unable to authenticate user for REST request [/_search]'));
      try {
        const parts = url.pathname.split('/').filter(Boolean);
        if (parts.length === 0)
          return send(200, {
            name: 'fake',
            cluster_name: 'fake',
            version:
              options.flavour === 'opensearch'
                ? { distribution: 'opensearch', number: '2.15.0' }
                : { number: '8.15.0', build_flavor: 'default' },
            tagline: options.flavour === 'opensearch' ? 'The OpenSearch Project: https://opensearch.org/' : 'You Know, for Search',
          });
        const last = parts[parts.length - 1];
        if (last === '_bulk') return send(200, bulk(raw));
        if (last === '_refresh') return send(200, { _shards: { total: 1, successful: 1, failed: 0 } });
        const names = parts.length > 1 ? resolve(parts[0] ?? '', url.searchParams) : new Set(indices());
        if (last === '_field_caps') {
          const wanted = (url.searchParams.get('fields') ?? (body as { fields?: string[] } | undefined)?.fields?.join(',') ?? '')
            .split(',')
            .filter(Boolean);
          return send(200, fieldCaps(names, wanted));
        }
        if (last === '_search')
          return send(
            200,
            search(
              docs.filter((d) => names.has(d.index)),
              (body ?? {}) as SearchBody,
              limits,
            ),
          );
        throw new EsError(400, 'illegal_argument_exception', `request [${url.pathname}] contains unrecognized parameters or path`);
      } catch (error) {
        if (error instanceof EsError) return fail(error);
        return fail(new EsError(500, 'exception', String(error)));
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get bytesSent() {
      return state.bytesSent;
    },
    failNext(status, count) {
      state.failures = { status, count };
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
