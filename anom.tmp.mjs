import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createServer } from '/work/wt/i15/dist/mcp-servers/metrics/server.js';

const dir = process.argv[2];
const since = process.argv[3] ?? '6h';
const server = createServer({ dataDir: dir });
const [a, b] = InMemoryTransport.createLinkedPair();
await server.connect(a);
const client = new Client({ name: 'x', version: '1' });
await client.connect(b);
const r = await client.callTool({ name: 'get_anomalies', arguments: { since, limit: 40 } });
for (const x of r.structuredContent.anomalies)
  console.log(
    x.metric,
    JSON.stringify(x.tags),
    x.kind,
    x.direction,
    x.onset.slice(11, 16),
    x.severity,
    x.score.toFixed(2),
    'rec',
    x.recovered,
    x.shape,
    x.baseline,
    x.peak,
  );
const e = await client.callTool({ name: 'get_error_rates', arguments: { since } });
for (const x of e.structuredContent.services) console.log('RATE', x.service, x.status, x.baseline, x.current);
process.exit(0);
