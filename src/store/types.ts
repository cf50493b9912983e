import type { AlertRef } from '../agent/types.js';
import type { IncidentMemory } from '../memory/types.js';
import type { Report } from '../report/schema.js';
import type { Coordination } from './coordination.js';

/**
 * What the bot must remember across restarts, behind one narrow interface. Every method is async so a networked
 * store (Postgres for several replicas, Redis for the hot keys) is a new file implementing this interface, not a
 * redesign; the SQLite store answers at once. docs/state.md describes that path.
 */

export type StoredState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface StoredAnalysis {
  id: string;
  origin: string;
  channel: string;
  threadTs?: string;
  statusTs?: string;
  state: StoredState;
  incident: string;
  context?: string;
  /** `{ user }` or `{ text }` as the status message renders it. */
  requestedBy: { user: string } | { text: string };
  fingerprint?: string;
  toolCalls: number;
  reason?: string;
  report?: Report;
  /** False while a finished report still waits to reach its thread (Slack was down when it finished). */
  reportPosted: boolean;
  /** Attempts made to post the report, so a report Slack keeps refusing is given up on. */
  postAttempts: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** The window's start an alert asked for (before its earliest startsAt). */
  since?: string;
  /** Labels of the alert that started it, which scope the engine's tool calls. */
  scope?: Record<string, string>;
  /** "resolved at … (lasted …)" once the alert behind it resolved. */
  resolution?: string;
  /** The alerts that started it, with their runbook_url, so a Re-run after a restart reads the same runbook. */
  alerts?: AlertRef[];
  /** The streamed progress message (chat.startStream), so a restart can stop a stream a killed process left open. */
  streamTs?: string;
}

/**
 * An alert webhook group as the bot tracks it (webhooks/groups.ts): the sender's latest delivery and every alert seen,
 * kept as the payload's own JSON, plus where it lives in Slack and which analysis it started.
 */
export interface StoredAlertGroup {
  channel: string;
  latest: unknown;
  alerts: unknown[];
  createdAt: number;
  parentTs?: string;
  analysisId?: string;
  resolution?: string;
}

export interface StoredVote {
  analysisId: string;
  user: string;
  vote: 'up' | 'down';
  engine?: string;
  incident?: string;
  /** The voter's answer to "What was the real cause?" (👎 modal). */
  cause?: string;
  /** A deployment or commit id, or a suspect kind, the voter named. */
  culprit?: string;
  at: string;
}

export interface PruneResult {
  analyses: number;
  alerts: number;
  events: number;
  votes: number;
  alertGroups: number;
}

export interface StateStore {
  /** Where the state lives, for logs and errors (a file path, a URL without credentials). */
  readonly location: string;
  /** Past incidents: identity, similarity search, history, confirmed causes, recorded tool calls. */
  readonly memory: IncidentMemory;
  /** Once-only claims, leases and the replica registry that let several replicas share this store (coordination.ts). */
  readonly coordination: Coordination;
  /** Inserts or replaces the analysis and links its thread to it. Writes may be deferred, never lost on close(). */
  saveAnalysis(analysis: StoredAnalysis): Promise<void>;
  getAnalysis(id: string): Promise<StoredAnalysis | undefined>;
  /** The latest analysis answering in this thread. */
  analysisInThread(channel: string, threadTs: string): Promise<StoredAnalysis | undefined>;
  /** Analyses in the given states, oldest first (start-up recovery, reports waiting to be posted). */
  analysesIn(states: readonly StoredState[], limit: number): Promise<StoredAnalysis[]>;
  /** Finished analyses whose report has not reached Slack yet, with fewer than `maxAttempts` tries, oldest first. */
  unpostedReports(maxAttempts: number, limit: number): Promise<StoredAnalysis[]>;
  rememberAlert(fingerprint: string, analysisId: string, at: number): Promise<void>;
  alert(fingerprint: string): Promise<{ analysisId: string; at: number } | undefined>;
  saveAlertGroup(key: string, group: StoredAlertGroup, at: number): Promise<void>;
  alertGroup(key: string): Promise<StoredAlertGroup | undefined>;
  /** Records a Slack event id; false when it was already recorded (a retry or a redelivery after a restart). */
  markEvent(eventId: string, at: number): Promise<boolean>;
  /** One vote per user per analysis: a changed mind replaces the earlier vote. */
  recordVote(vote: StoredVote): Promise<void>;
  votes(analysisId: string): Promise<StoredVote[]>;
  /** Deletes what is older than `before` (epoch ms); analyses still queued or running are kept. */
  prune(before: number): Promise<PruneResult>;
  close(): Promise<void>;
}

/** Thrown when the store cannot be opened; the message names the file and what to do. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}
