/** A Map that forgets its least recently used entries past `capacity`, so long-running bots keep flat memory. */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }
}

/** Slack retries an event up to 3 times; remembering this many ids covers retries under heavy event traffic. */
export const DEDUPE_CAPACITY = 2000;

/**
 * Event ids already handled, so Slack's retries (same event_id, x-slack-retry-num) start one analysis only, also
 * when the retry arrives after a restart: the memory map is a cache in front of the store.
 */
export class EventDedupe {
  private readonly seenIds = new BoundedMap<string, true>(DEDUPE_CAPACITY);

  constructor(private readonly store?: { markEvent(eventId: string, at: number): Promise<boolean> }) {}

  /** True when this id was seen before; records it otherwise. Events without an id are never deduplicated. */
  async seen(eventId: string | undefined): Promise<boolean> {
    if (!eventId) return false;
    if (this.seenIds.has(eventId)) return true;
    this.seenIds.set(eventId, true);
    if (!this.store) return false;
    try {
      return !(await this.store.markEvent(eventId, Date.now()));
    } catch {
      // A store that cannot answer must not drop the event: a duplicate analysis is the lesser harm.
      return false;
    }
  }
}
