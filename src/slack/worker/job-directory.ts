import type { StateStore } from '../../store/types.js';
import { BoundedMap } from './bounded-map.js';
import { AnalysisJob } from './job.js';

/** Analyses kept in memory for follow-ups, buttons and alert joins; older ones are read back from the store. */
const MAX_CACHED_ANALYSES = 1000;

const threadKey = (channel: string, ts: string) => `${channel}:${ts}`;

/**
 * Where the worker finds an analysis by id or by thread: memory first, the store behind it (a button or a follow-up on
 * a report from before a restart). A live job in memory always wins over its stored copy, so a running analysis is
 * never shadowed by an older snapshot.
 */
export class JobDirectory {
  private readonly jobs = new BoundedMap<string, AnalysisJob>(MAX_CACHED_ANALYSES);
  private readonly byThread = new BoundedMap<string, string>(MAX_CACHED_ANALYSES);

  constructor(private readonly store: StateStore) {}

  /** A new analysis, and the thread it answers in when it has one. */
  add(job: AnalysisJob): void {
    this.jobs.set(job.id, job);
    if (job.threadTs) this.linkThread(job, job.threadTs);
  }

  /** The thread an analysis answers in, once its status message is posted. */
  linkThread(job: AnalysisJob, threadTs: string): void {
    this.byThread.set(threadKey(job.channel, threadTs), job.id);
  }

  cached(id: string): AnalysisJob | undefined {
    return this.jobs.get(id);
  }

  /** An analysis by id: from memory, else from the store (an old button after a restart). */
  async find(id: string): Promise<AnalysisJob | undefined> {
    const cached = this.jobs.get(id);
    if (cached) return cached;
    const stored = await this.store.getAnalysis(id);
    return stored ? this.keep(AnalysisJob.fromStored(stored)) : undefined;
  }

  /** The thread's analysis as far as memory knows; enough for the one-per-thread rule, whose active jobs are all in memory. */
  cachedInThread(channel: string, threadTs: string): AnalysisJob | undefined {
    const id = this.byThread.get(threadKey(channel, threadTs));
    return id ? this.jobs.get(id) : undefined;
  }

  /** The latest analysis answering in this thread, if any. */
  async inThread(channel: string, threadTs: string): Promise<AnalysisJob | undefined> {
    const cached = this.cachedInThread(channel, threadTs);
    if (cached) return cached;
    const stored = await this.store.analysisInThread(channel, threadTs);
    if (!stored) return undefined;
    const job = this.jobs.get(stored.id) ?? this.keep(AnalysisJob.fromStored(stored));
    this.byThread.set(threadKey(channel, threadTs), job.id);
    return job;
  }

  /** Keeps a job read from the store, unless a live one with that id is already cached. */
  keep(job: AnalysisJob): AnalysisJob {
    const existing = this.jobs.get(job.id);
    if (existing) return existing;
    this.jobs.set(job.id, job);
    return job;
  }
}
