/**
 * Serialises posts per channel with at least `intervalMs` between them: chat.postMessage allows about one
 * message per second per channel, and several analyses may share a channel.
 */
export class ChannelPacer {
  private readonly lanes = new Map<string, { tail: Promise<unknown>; lastAt: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  run<T>(channel: string, task: () => Promise<T>): Promise<T> {
    const lane = this.lanes.get(channel) ?? { tail: Promise.resolve(), lastAt: Number.NEGATIVE_INFINITY };
    const result = lane.tail
      .catch(() => {})
      .then(async () => {
        const wait = lane.lastAt + this.intervalMs - this.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        try {
          return await task();
        } finally {
          lane.lastAt = this.now();
        }
      });
    lane.tail = result;
    this.lanes.set(channel, lane);
    // Forget idle lanes so the map does not grow with every channel ever used.
    void result
      .catch(() => {})
      .then(() => {
        if (this.lanes.get(channel)?.tail === result && this.now() - lane.lastAt >= this.intervalMs) this.lanes.delete(channel);
      });
    return result;
  }
}
