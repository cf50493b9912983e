import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';

/** Reading the datasets the way the servers will: independent of the generator, so a generator bug cannot hide. */

export const REPO = path.resolve(import.meta.dirname, '../..');

/** Every dataset folder in the repository: data/* and test/evals/<case>/dataset. */
export function datasetDirs(): string[] {
  const data = readdirSync(path.join(REPO, 'data'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `data/${d.name}`);
  const evals = readdirSync(path.join(REPO, 'test/evals'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(REPO, 'test/evals', d.name, 'dataset')))
    .map((d) => `test/evals/${d.name}/dataset`);
  return [...data, ...evals].sort();
}

const isoTime = z.iso.datetime({ offset: true });

export const MetaSchema = z.strictObject({ name: z.string().min(1), description: z.string().min(1), now: isoTime });

export const CommitSchema = z.strictObject({
  sha: z.string().regex(/^[0-9a-f]{40}$/),
  author: z.string().min(1),
  date: isoTime,
  message: z.string().min(1),
  files: z.array(z.string().regex(/^[\w.@/-]+$/)).optional(),
  service: z.string().optional(),
});

export const DeploymentSchema = z.strictObject({
  id: z.string().min(1),
  service: z.string().min(1),
  version: z.string().min(1),
  // A stage, optionally with the region or cluster it went to (`production-eu-west-1`), or a canary.
  environment: z.string().regex(/^(production|staging|canary)(-[a-z0-9-]+)?$/),
  status: z.string().min(1),
  deployed_at: isoTime,
  deployed_by: z.string().optional(),
  commits: z.array(z.string().regex(/^[0-9a-f]{40}$/)).optional(),
  description: z.string().optional(),
});

export const SeriesSchema = z.strictObject({
  // Prometheus metric names: recording rules use colons (`level:metric:operations`).
  metric: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/),
  // Identity labels as docs/metrics.md lists them; exporter series (job="node") name their machine instead of a service;
  // a job-level recording rule keeps `job` alone; untagged infrastructure (a cloud volume, a NAT gateway) names its place.
  tags: z.record(z.string(), z.string()).refine(
    (t) =>
      ['service', 'service_name', 'app', 'application', 'app_kubernetes_io_name', 'container', 'pod'].some(
        (key) => typeof t[key] === 'string',
      ) ||
      // A job-level series (a recording rule aggregated `by (job)`) or an exporter's job + instance.
      typeof t.job === 'string' ||
      ['availability_zone', 'zone', 'region', 'node', 'instance'].some((key) => typeof t[key] === 'string'),
    'a service identity label (service, service_name, app, application, app_kubernetes_io_name, container, pod), job, or an infrastructure place (zone, region, node, instance) is required',
  ),
  unit: z.string().min(1),
  points: z.array(z.tuple([isoTime, z.number().finite()])).min(200),
});
export const MetricsSchema = z.strictObject({ series: z.array(SeriesSchema).min(10) });

export type Meta = z.infer<typeof MetaSchema>;
export type Commit = z.infer<typeof CommitSchema>;
export type Deployment = z.infer<typeof DeploymentSchema>;
export type Series = z.infer<typeof SeriesSchema>;

export interface Dataset {
  dir: string;
  meta: Meta;
  commits: Commit[];
  deployments: Deployment[];
  series: Series[];
  /** Log files by name (relative to logs/), decompressed. */
  logs: Map<string, string>;
  /** Cluster objects of kubernetes/*.json (each file a `kind: List`), for cases whose evidence is cluster state. */
  kube: KubeObject[];
}

export const KubeObjectSchema = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    ownerReferences: z.array(z.looseObject({ kind: z.string(), name: z.string() })).optional(),
  }),
});
export type KubeObject = z.infer<typeof KubeObjectSchema>;
const KubeListSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('List'),
  metadata: z.object({ resourceVersion: z.string() }),
  items: z.array(KubeObjectSchema),
});

function readKube(abs: string): KubeObject[] {
  const dir = path.join(abs, 'kubernetes');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((file) => KubeListSchema.parse(readJson(path.join(dir, file))).items);
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * A dataset's history: git/*.json, or for a case served through the fake GitHub, github/*.json in the REST API's
 * shapes (docs/git.md) read back into the dataset format: the service from the deployment's payload and from the
 * commit's files (`services/<name>/…`, else the top folder), the deploy time and status from the newest status.
 */
function gitHistory(abs: string): { commits: Commit[]; deployments: Deployment[] } {
  const gh = path.join(abs, 'github');
  if (!existsSync(path.join(gh, 'repository.json'))) {
    return {
      commits: z.array(CommitSchema).parse(readJson(path.join(abs, 'git/commits.json'))),
      deployments: z.array(DeploymentSchema).parse(readJson(path.join(abs, 'git/deployments.json'))),
    };
  }
  const serviceOf = (file: string) => /^services\/([^/]+)\//.exec(file)?.[1] ?? file.split('/')[0];
  const apiCommits = readJson(path.join(gh, 'commits.json')) as {
    sha: string;
    commit: { author: { name: string }; committer: { date: string }; message: string };
    files?: { filename: string }[];
  }[];
  const commits = apiCommits.map((c) => {
    const files = (c.files ?? []).map((f) => f.filename);
    const service = files[0] === undefined ? undefined : serviceOf(files[0]);
    return CommitSchema.parse({
      sha: c.sha,
      author: c.commit.author.name,
      date: c.commit.committer.date,
      message: c.commit.message,
      files,
      ...(service ? { service } : {}),
    });
  });
  const statuses = readJson(path.join(gh, 'deployment_statuses.json')) as Record<string, { state: string; created_at: string }[]>;
  const apiDeployments = readJson(path.join(gh, 'deployments.json')) as {
    id: number;
    ref: string;
    environment: string;
    payload: { service: string };
    creator: { login: string } | null;
    description: string | null;
    created_at: string;
  }[];
  const deployments = apiDeployments.map((d) => {
    const latest = statuses[String(d.id)]?.[0];
    return DeploymentSchema.parse({
      id: String(d.id),
      service: d.payload.service,
      version: d.ref,
      environment: d.environment,
      status: latest?.state === 'success' ? 'succeeded' : latest?.state === 'failure' ? 'failed' : (latest?.state ?? 'pending'),
      deployed_at: latest?.created_at ?? d.created_at,
      ...(d.creator ? { deployed_by: d.creator.login } : {}),
      ...(d.description ? { description: d.description } : {}),
    });
  });
  return { commits, deployments };
}

const cache = new Map<string, Dataset>();

export function loadDataset(dir: string): Dataset {
  const hit = cache.get(dir);
  if (hit) return hit;
  const abs = path.join(REPO, dir);
  const logs = new Map<string, string>();
  for (const file of readdirSync(path.join(abs, 'logs')).sort()) {
    const buf = readFileSync(path.join(abs, 'logs', file));
    logs.set(file, (file.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8'));
  }
  const ds: Dataset = {
    dir,
    meta: MetaSchema.parse(readJson(path.join(abs, 'dataset.json'))),
    ...gitHistory(abs),
    series: MetricsSchema.parse(readJson(path.join(abs, 'metrics/metrics.json'))).series,
    logs,
    kube: readKube(abs),
  };
  cache.set(dir, ds);
  return ds;
}

/** The value of the first series matching metric and tags at an instant (exact minute). */
export function valueAt(ds: Dataset, metric: string, tags: Record<string, string>, at: string): number {
  const series = ds.series.find((s) => s.metric === metric && Object.entries(tags).every(([k, v]) => s.tags[k] === v));
  if (!series) throw new Error(`${ds.dir}: no series ${metric} ${JSON.stringify(tags)}`);
  const t = Date.parse(at);
  const point = series.points.find(([time]) => Date.parse(time) === t);
  if (!point) throw new Error(`${ds.dir}: ${metric} has no point at ${at}`);
  return point[1];
}
