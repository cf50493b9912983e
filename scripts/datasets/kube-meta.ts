import type { Rng } from './prng.js';
import { iso, SECOND } from './time.js';

/** The metadata every generated Kubernetes object carries, and the API's name and time formats. */

export type Obj = Record<string, unknown>;
/** The alphabet of the controller's pod-template hashes and generated name suffixes (k8s.io/apimachinery rand). */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export const meta = (name: string, namespace: string | undefined, created: number, rng: Rng, extra: Obj = {}): Obj => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: rng.uuid(),
  resourceVersion: String(rng.int(1_000_000, 99_999_999)),
  creationTimestamp: isoS(created),
  ...extra,
});

export function isoS(ms: number): string {
  return iso(Math.floor(ms / SECOND) * SECOND).replace('.000Z', 'Z');
}

export function suffix(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += NAME_ALPHABET[rng.int(0, NAME_ALPHABET.length - 1)];
  return out;
}
