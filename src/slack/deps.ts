import type { IncidentMemory } from '../memory/types.js';
import type { HealthView } from './blocks/usage.js';
import type { FeedbackStore } from './feedback.js';
import type { AccessPolicy } from './policy/policy.js';
import type { BusyNotices } from './worker/admission.js';
import type { EventDedupe } from './worker/bounded-map.js';
import type { AnalysisService, Logger } from './worker/service.js';

export type { HealthView, ServerHealthView } from './blocks/usage.js';

/** The bot's own identity from auth.test, so it never reacts to its own messages. */
export interface SelfIdentity {
  userId?: string;
  botId?: string;
  /** The bot's workspace and Enterprise Grid org: people from others are external (policy/). */
  teamId?: string;
  enterpriseId?: string;
}

/** What every listener's `register(app, deps)` receives. */
export interface SlackDeps {
  service: AnalysisService;
  feedback: FeedbackStore;
  dedupe: EventDedupe;
  self: SelfIdentity;
  alertChannels: ReadonlySet<string>;
  logger: Logger;
  /** Who may ask: every listener checks it before queueing or posting anything. */
  policy: AccessPolicy;
  /** One "busy" reply per alert channel per cooldown. */
  alertBusy: BusyNotices;
  /** Past incidents for `/rca history`, `/rca stats` and confirmed causes. */
  memory: IncidentMemory;
  /** Signs and checks the cause modal's private_metadata (blocks/cause-modal.ts). */
  modalKey: Uint8Array;
  /** MCP servers and engine, for `/rca status`; absent when the bot runs without the engine runtime (tests). */
  health?: () => HealthView;
}

/** The slash command the manifest declares. */
export const RCA_COMMAND = '/rca';
/** Longest incident text accepted from a command or mention; longer input is cut, not refused. */
export const MAX_INCIDENT_CHARS = 2000;
