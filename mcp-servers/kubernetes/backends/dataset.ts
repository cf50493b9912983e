import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readDatasetMeta, readJsonFile, resolveNow } from '../../shared/dataset.js';
import type { KubeObject } from '../kube-types.js';
import { RESOURCES, type ResourceName, resourceOfItem } from '../resources.js';
import { type KubeBackend, secretMetadataOnly } from './types.js';

/** The dataset folder's subfolder: DATA_DIR/kubernetes/*.json, each a `kind: List` as `kubectl get … -o json` prints it. */
export const DATASET_KUBERNETES = 'kubernetes';

/** One dataset file; items are checked loosely because they are API objects, whose fields the tools read defensively. */
export const KubeListFileSchema = z.object({
  kind: z.string().regex(/List$/, 'a Kubernetes List (kind: List, as kubectl get -o json prints it)'),
  items: z.array(
    z
      .object({
        apiVersion: z.string().min(1),
        kind: z.string().min(1),
        metadata: z.object({ name: z.string().min(1) }).loose(),
      })
      .loose(),
  ),
});

type Loaded = { key: string; byResource: Map<ResourceName, KubeObject[]>; newest: number | undefined };

export class DatasetBackend implements KubeBackend {
  readonly kind = 'dataset' as const;
  readonly label: string;
  readonly folder: string;
  private cache: Loaded | undefined;

  constructor(private readonly dataDir: string) {
    this.folder = path.join(dataDir, DATASET_KUBERNETES);
    this.label = `dataset ${dataDir}`;
  }

  private files(): string[] {
    try {
      return readdirSync(this.folder)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => path.join(this.folder, name));
    } catch {
      return [];
    }
  }

  /** Re-read only when a file changes, so a long-lived server sees edits. */
  private load(): Loaded {
    const files = this.files();
    const key = files.map((file) => `${file}:${statSync(file).mtimeMs}:${statSync(file).size}`).join('|');
    if (this.cache?.key === key) return this.cache;
    const byResource = new Map<ResourceName, KubeObject[]>();
    let newest: number | undefined;
    for (const file of files) {
      for (const raw of readJsonFile(file, KubeListFileSchema).items) {
        const item = raw as KubeObject;
        const resource = resourceOfItem(item.apiVersion, item.kind);
        if (!resource) continue;
        const kept = resource === 'secrets' ? secretMetadataOnly(item) : item;
        byResource.set(resource, [...(byResource.get(resource) ?? []), kept]);
        for (const time of objectTimes(kept)) if (newest === undefined || time > newest) newest = time;
      }
    }
    this.cache = { key, byResource, newest };
    return this.cache;
  }

  async now(): Promise<Date> {
    return resolveNow(readDatasetMeta(this.dataDir), this.load().newest);
  }

  async list(resource: ResourceName, namespace: string | undefined): Promise<{ items: KubeObject[]; truncated: boolean }> {
    const items = this.load().byResource.get(resource) ?? [];
    const scoped = RESOURCES[resource].namespaced && namespace !== undefined;
    return { items: scoped ? items.filter((item) => item.metadata?.namespace === namespace) : items, truncated: false };
  }

  async namespaceExists(namespace: string): Promise<boolean> {
    for (const items of this.load().byResource.values()) if (items.some((item) => item.metadata?.namespace === namespace)) return true;
    return false;
  }
}

/** The times an object records, for the dataset's "now" when dataset.json gives none. */
function objectTimes(item: KubeObject): number[] {
  const texts = [
    item.metadata?.creationTimestamp,
    ...(item.metadata?.managedFields ?? []).map((entry) => entry.time),
    item.lastTimestamp,
    item.eventTime,
    item.series?.lastObservedTime,
    item.deprecatedLastTimestamp,
  ];
  return texts.map((text) => (text ? Date.parse(text) : Number.NaN)).filter((time) => Number.isFinite(time));
}
