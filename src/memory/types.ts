import type { Confidence, SuspectKind } from '../report/schema.js';

/**
 * What identifies a finished analysis for recall: the masked error signatures the logs server computed, the services
 * and metrics involved, and the verdict. Everything here came through the redacting host, so it holds no secrets.
 */
export interface IncidentIdentity {
  analysisId: string;
  channel: string;
  /**
   * Whether the channel is private (or its privacy unknown): its incidents are matched only inside it. Public
   * channels' incidents are matched from every channel. Absent means unknown, treated as private.
   */
  channelPrivate?: boolean;
  threadTs?: string;
  at: number;
  engine: string;
  incident: string;
  services: string[];
  suspectKind?: SuspectKind;
  suspectId?: string;
  signatures: string[];
  metrics: string[];
  summary: string;
  rootCause: string;
  confidence: Confidence;
}

export interface ConfirmedCause {
  cause: string;
  culprit?: string;
  by: string;
}

export interface RememberedIncident extends IncidentIdentity {
  confirmed?: ConfirmedCause;
  votes: { up: number; down: number };
}

/** Why a past incident was matched: each reason is shown to the reader. */
export interface SimilarityReason {
  kind: 'signature' | 'suspect' | 'service' | 'suspect_kind' | 'metric' | 'words';
  value: string;
  weight: number;
}

export interface SimilarIncident {
  analysisId: string;
  channel: string;
  threadTs?: string;
  at: number;
  summary: string;
  confirmedCause?: string;
  score: number;
  reasons: SimilarityReason[];
}

/** Which past analyses the asker may see: one channel's, or (responders) every channel's. */
export interface MemoryScope {
  channel?: string;
  /** With `channel`: every public channel's analyses too (teams open one channel per incident). */
  withPublic?: boolean;
}

export interface EngineStats {
  engine: string;
  analyses: number;
  up: number;
  down: number;
  confirmed: number;
  /** Confirmed causes that agree with the report's suspect id or kind. */
  confirmedCorrect: number;
}

/** One tool call as recorded for replay: arguments and the redacted, bounded output. */
export interface RecordedToolCall {
  server: string;
  tool: string;
  args: Record<string, unknown>;
  ok: boolean;
  text: string;
  structured?: Record<string, unknown>;
}

/** The bot's memory of past incidents, behind the state store (SQLite here; another store implements the same). */
export interface IncidentMemory {
  remember(identity: IncidentIdentity): Promise<void>;
  /** Past incidents like this one, best first, at most `limit`, each above MIN_SIMILARITY. */
  similar(query: IncidentIdentity, scope: MemoryScope, limit: number): Promise<SimilarIncident[]>;
  /** Before an analysis: past incidents whose text or services match the new incident's words and alert labels. */
  recall(text: string, services: readonly string[], scope: MemoryScope, limit: number): Promise<SimilarIncident[]>;
  get(analysisId: string): Promise<RememberedIncident | undefined>;
  history(scope: MemoryScope, service: string | undefined, limit: number): Promise<RememberedIncident[]>;
  confirm(analysisId: string, confirmed: ConfirmedCause): Promise<boolean>;
  stats(since: number): Promise<EngineStats[]>;
  saveRecording(analysisId: string, recording: StoredRecording): Promise<void>;
  recording(analysisId: string): Promise<StoredRecording | undefined>;
}

/** What replaying an analysis needs besides its incident text: the request's window and alert labels, and the calls. */
export interface StoredRecording {
  since?: string;
  scope?: Record<string, string>;
  calls: RecordedToolCall[];
}
