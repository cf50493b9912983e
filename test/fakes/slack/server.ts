import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { validateBlocks, validateMessage } from './block-kit.js';
import { directoryReply, type FakeUser } from './directory.js';
import { hygieneErrors } from './hygiene.js';
import { FakeStreaming } from './streaming.js';

export type { FakeUser } from './directory.js';

/**
 * A loopback Slack: the Web API over HTTP (form or JSON bodies, `{ok:…}` replies) and a Socket Mode WebSocket
 * endpoint that sends `hello` and real envelopes, and collects the envelope_id acks. Every message the bot sends is
 * validated like Slack would (Block Kit limits, text fallback, escaping) and recorded for assertions.
 */

export const TEAM_ID = 'T0FAKE001';
export const APP_ID = 'A0FAKE001';
export const BOT_ID = 'B0FAKEBOT';
export const BOT_USER_ID = 'U0FAKEBOT';

type Json = Record<string, unknown>;

export interface ApiCall {
  method: string;
  args: Json;
  token?: string;
  at: number;
}

export interface StoredMessage extends Json {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: Json[];
}

/** How long waitFor polls before failing; generous because CI machines are slow, never needed on a good run. */
const WAIT_LIMIT_MS = 15_000;
const POLL_MS = 10;
/** Bodies past this are refused, as Slack refuses oversized requests. */
const MAX_BODY_BYTES = 2_000_000;

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  /** Strings that must never appear in anything the bot sends (tokens, secrets). */
  secrets?: string[];
}

export interface HttpFault {
  /** HTTP status to answer with, e.g. 429 or 500. */
  status?: number;
  /** Retry-After header (seconds) for a 429. */
  retryAfterSeconds?: number;
  /** Accept the request and never answer. */
  hang?: boolean;
}

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly invalid: { method: string; errors: string[] }[] = [];
  readonly leaks: string[] = [];
  readonly messages: StoredMessage[] = [];
  /** Modals opened with views.open, newest last, with the trigger_id they used. */
  readonly views: Array<{ triggerId: string; view: Json }> = [];
  readonly acks = new Map<string, Json>();
  /** Channels shared with another organisation (Slack Connect): conversations.info says is_ext_shared. */
  readonly sharedChannels = new Set<string>();
  /** Messages sent to each response_url (respond()), by its path, in order. */
  readonly responses = new Map<string, Json[]>();
  /** When the first message reached each response_url (performance.now()). */
  readonly firstResponseAt = new Map<string, number>();
  /** Errors to return for the next calls of a method, e.g. `not_in_channel`. */
  readonly failures = new Map<string, string[]>();
  /** Channel-hygiene violations: pings (@here, <!channel>, user groups) or unfurling posts. Slack accepts them; we must not send them. */
  readonly hygiene: string[] = [];
  /** users.info answers by user id (guests, external people, bots). */
  readonly users = new Map<string, FakeUser>();
  /** usergroups.users.list answers by user-group id. */
  readonly groups = new Map<string, string[]>();
  /** Channels conversations.info reports as private (`is_private: true`); every other channel id is public. */
  readonly privateChannels = new Set<string>();
  /** HTTP-level faults for the next calls of a method: a status (429 with Retry-After, 500) or no answer at all. */
  readonly httpFaults = new Map<string, HttpFault[]>();
  /** chat.startStream / appendStream / stopStream and assistant.threads.setStatus, with what each recorded. */
  readonly streaming = new FakeStreaming({
    nextTs: () => this.nextTs(),
    store: (message) => void this.messages.push(message),
    invalid: (method, errors) => void this.invalid.push({ method, errors }),
    pings: (method, texts) => void this.hygiene.push(...hygieneErrors(method, { texts: texts.map((text) => ({ text })) })),
  });
  /** Milliseconds each Web API method waits before answering (a real round trip to Slack is ~100-300 ms). */
  readonly latencyMs = new Map<string, number>();
  /** When each envelope's ack arrived (performance.now()), for ack-latency figures. */
  readonly ackedAt = new Map<string, number>();
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private socket?: WebSocket;
  /**
   * Every open Socket Mode connection. Slack spreads an app's envelopes over its connections (up to 10), so with
   * `spread` on each envelope goes to one picked at random, as it does to several replicas; off: the latest one.
   */
  private readonly sockets = new Set<WebSocket>();
  spread = false;
  private tsCounter = 0;
  private readonly botToken: string;
  private readonly appToken: string;
  private readonly secrets: string[];
  baseUrl = '';

  private constructor(options: FakeSlackOptions) {
    this.botToken = options.botToken ?? 'xoxb-fake-bot-token';
    this.appToken = options.appToken ?? 'xapp-fake-app-token';
    this.secrets = [this.botToken, this.appToken, ...(options.secrets ?? [])];
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/link' });
    this.wss.on('connection', (socket) => {
      this.socket = socket;
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        if (this.socket === socket) this.socket = [...this.sockets].at(-1);
      });
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: Json };
        if (message.payload) this.hygiene.push(...hygieneErrors('ack', message.payload));
        if (message.envelope_id) {
          this.ackedAt.set(message.envelope_id, performance.now());
          this.acks.set(message.envelope_id, message.payload ?? {});
        }
      });
      socket.send(
        JSON.stringify({
          type: 'hello',
          num_connections: this.sockets.size,
          debug_info: { host: 'fake-slack' },
          connection_info: { app_id: APP_ID },
        }),
      );
    });
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.baseUrl = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** What SLACK_API_URL is set to. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Messages in a thread (parent included), oldest first. */
  thread(channel: string, ts: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && (m.ts === ts || m.thread_ts === ts));
  }

  /** A message someone else posted (a user, an integration), so conversations.replies can return it. */
  seed(message: Omit<StoredMessage, 'ts'> & { ts?: string }): StoredMessage {
    const stored = { ...message, ts: message.ts ?? this.nextTs() } as StoredMessage;
    this.messages.push(stored);
    return stored;
  }

  /** The next call of `method` gets this fault instead of an answer (queued: call again for several). */
  faultNext(method: string, fault: HttpFault): void {
    this.httpFaults.set(method, [...(this.httpFaults.get(method) ?? []), fault]);
  }

  failNext(method: string, error: string): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
  }

  /** Polls `check` until it returns something truthy; fails with `what` after WAIT_LIMIT_MS. */
  async waitFor<T>(what: string, check: () => T | undefined | false | null): Promise<T> {
    const deadline = Date.now() + WAIT_LIMIT_MS;
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`fake Slack: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  // ---- Socket Mode -------------------------------------------------------------------------------------------

  /** Drops the Socket Mode connection (what a network blip or Slack's periodic refresh does). */
  dropSocket(): void {
    for (const client of this.wss.clients) client.terminate();
    this.socket = undefined;
  }

  /** Socket Mode connections opened so far (a reconnect opens another). */
  get connections(): number {
    return this.callsOf('apps.connections.open').length;
  }

  /** Open Socket Mode connections now (one per replica). */
  get openConnections(): number {
    return [...this.sockets].filter((socket) => socket.readyState === WebSocket.OPEN).length;
  }

  async connected(): Promise<void> {
    await this.waitFor('a Socket Mode connection', () => this.socket?.readyState === WebSocket.OPEN);
  }

  /** Sends an envelope and resolves with the ack's payload once the app acks it. */
  async sendEnvelope(type: string, payload: Json, extra: Json = {}, envelopeId: string = randomUUID()): Promise<Json> {
    await this.connected();
    const open = [...this.sockets].filter((socket) => socket.readyState === WebSocket.OPEN);
    const target = this.spread && open.length > 1 ? open[Math.floor(Math.random() * open.length)] : this.socket;
    target!.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', ...extra }));
    return this.waitFor(`ack of ${type} envelope`, () => this.acks.get(envelopeId));
  }

  slashCommandPayload(text: string, options: { user?: string; channel?: string } = {}): Json {
    return {
      token: 'legacy-verification-token',
      team_id: TEAM_ID,
      team_domain: 'fake',
      channel_id: options.channel ?? 'C0INCIDENT',
      channel_name: 'incidents',
      user_id: options.user ?? 'U0HUMAN01',
      user_name: 'alice',
      command: '/rca',
      text,
      api_app_id: APP_ID,
      is_enterprise_install: 'false',
      response_url: `${this.baseUrl}/response/${randomUUID()}`,
      trigger_id: `${Date.now()}.trigger`,
    };
  }

  /**
   * Runs a slash command and resolves with what the person is shown first: the ack's message when the app answered
   * in its ack, otherwise the first message it sent to the command's response_url (ack first, decide after).
   */
  async slashCommand(text: string, options: { user?: string; channel?: string } = {}): Promise<Json> {
    const payload = this.slashCommandPayload(text, options);
    return this.firstAnswer(payload, await this.sendEnvelope('slash_commands', payload));
  }

  /** What a person sees first after a slash command: the ack's message, or else the first respond() message. */
  firstAnswer(payload: Json, ack: Json): Promise<Json> {
    if (typeof ack.text === 'string' && ack.text !== '') return Promise.resolve(ack);
    const path = new URL(String(payload.response_url)).pathname;
    return this.waitFor(
      `a response to ${String(payload.command)} ${String(payload.text).slice(0, 40)}`,
      () => this.responses.get(path)?.[0],
    );
  }

  eventPayload(event: Json, eventId: string = `Ev${randomUUID().slice(0, 8).toUpperCase()}`): Json {
    return {
      token: 'legacy-verification-token',
      team_id: TEAM_ID,
      api_app_id: APP_ID,
      event: { event_ts: event.ts, ...event },
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
      event_context: `4-${eventId}`,
    };
  }

  /** An Events API envelope; `retryAttempt` > 0 is how Slack marks a redelivery of the same event_id. */
  /** Seeds a message that mentions the bot and delivers its app_mention event, as Slack does for a person (or a bot). */
  async mention(channel: string, user: string, text: string, options: { threadTs?: string; botId?: string } = {}): Promise<StoredMessage> {
    const seeded = this.seed({
      channel,
      user,
      text: `<@U0FAKEBOT> ${text}`,
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
      ...(options.botId ? { bot_id: options.botId } : {}),
    });
    await this.event({
      type: 'app_mention',
      user,
      text: seeded.text,
      ts: seeded.ts,
      channel,
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
      ...(options.botId ? { bot_id: options.botId } : {}),
    });
    return seeded;
  }

  event(event: Json, options: { eventId?: string; retryAttempt?: number } = {}): Promise<Json> {
    const attempt = options.retryAttempt ?? 0;
    return this.sendEnvelope('events_api', this.eventPayload(event, options.eventId), {
      retry_attempt: attempt,
      retry_reason: attempt > 0 ? 'timeout' : '',
    });
  }

  blockActionPayload(message: StoredMessage, actionId: string, user = 'U0HUMAN01'): Json {
    const action = findButton(message, actionId);
    if (!action) throw new Error(`fake Slack: message ${message.ts} has no button ${actionId}`);
    return this.actionPayload(message, action, user);
  }

  /** Presses 👍 (`positive`) or 👎 (`negative`) of a message's feedback_buttons, as Slack's `interactive` envelope. */
  clickFeedback(message: StoredMessage, which: 'positive' | 'negative', user?: string): Promise<Json> {
    return this.sendEnvelope('interactive', this.feedbackActionPayload(message, which, user));
  }

  feedbackActionPayload(message: StoredMessage, which: 'positive' | 'negative', user?: string): Json {
    const action = findFeedbackButton(message, which);
    if (!action) throw new Error(`fake Slack: message ${message.ts} has no feedback buttons`);
    return this.actionPayload(message, action, user);
  }

  private actionPayload(message: StoredMessage, action: Json, user = 'U0HUMAN01'): Json {
    return {
      type: 'block_actions',
      user: { id: user, username: 'alice', name: 'alice', team_id: TEAM_ID },
      api_app_id: APP_ID,
      token: 'legacy-verification-token',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
      trigger_id: `${Date.now()}.trigger`,
      team: { id: TEAM_ID, domain: 'fake' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: message.channel, name: 'incidents' },
      message: { type: 'message', user: BOT_USER_ID, bot_id: BOT_ID, ...message },
      state: { values: {} },
      response_url: `${this.baseUrl}/response/${randomUUID()}`,
      actions: [{ ...action, action_ts: `${Date.now() / 1000}` }],
    };
  }

  /** Clicks a button on a message the bot posted, as Slack's `interactive` envelope. */
  click(message: StoredMessage, actionId: string, user?: string): Promise<Json> {
    return this.sendEnvelope('interactive', this.blockActionPayload(message, actionId, user));
  }

  /**
   * Submits an opened modal as Slack's `view_submission` interactive envelope: `values` maps block_id to the text
   * typed into that block's plain_text_input. Resolves with the app's ack (response_action errors, or {}).
   */
  submitView(view: Json, user: string, values: Record<string, string>): Promise<Json> {
    const state: Json = {};
    for (const block of (view.blocks as Json[]) ?? []) {
      if (block.type !== 'input') continue;
      const element = block.element as Json;
      const typed = values[String(block.block_id)];
      state[String(block.block_id)] = { [String(element.action_id)]: { type: element.type, value: typed ?? null } };
    }
    return this.sendEnvelope('interactive', {
      type: 'view_submission',
      team: { id: TEAM_ID, domain: 'fake' },
      user: { id: user, username: 'alice', name: 'alice', team_id: TEAM_ID },
      api_app_id: APP_ID,
      token: 'legacy-verification-token',
      trigger_id: `${Date.now()}.trigger`,
      view: {
        id: `V${randomUUID().slice(0, 8).toUpperCase()}`,
        team_id: TEAM_ID,
        app_id: APP_ID,
        bot_id: BOT_ID,
        ...view,
        state: { values: state },
        hash: 'fake-hash',
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    });
  }

  // ---- Web API ----------------------------------------------------------------------------------------------

  private nextTs(): string {
    this.tsCounter += 1;
    return `${1_700_000_000 + this.tsCounter}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (url.pathname.startsWith('/response/')) {
      const args = parseBody(req, body);
      this.record('response_url', args, undefined);
      // A response_url takes the same message Slack's Web API does and refuses what it would: HTTP 400, the error
      // code as the plain-text body (as incoming webhooks answer).
      const errors = args.delete_original === true || args.delete_original === 'true' ? [] : validateMessage(args);
      if (errors.length > 0) {
        this.invalid.push({ method: 'response_url', errors });
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_blocks');
        return;
      }
      this.hygiene.push(...hygieneErrors('response_url', args));
      if (!this.firstResponseAt.has(url.pathname)) this.firstResponseAt.set(url.pathname, performance.now());
      this.responses.set(url.pathname, [...(this.responses.get(url.pathname) ?? []), args]);
      return send(res, 200, { ok: true });
    }
    const method = url.pathname.replace(/^\/api\//, '');
    if (!url.pathname.startsWith('/api/')) return send(res, 404, { ok: false, error: 'not_found' });
    const args = parseBody(req, body);
    const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/, '') || (typeof args.token === 'string' ? args.token : undefined);
    this.record(method, args, token);
    const latency = this.latencyMs.get(method);
    if (latency) await new Promise((resolve) => setTimeout(resolve, latency));
    const fault = this.httpFaults.get(method)?.shift();
    if (fault?.hang) return; // never answered; close() drops the connection
    if (fault?.status) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      res
        .writeHead(fault.status, headers)
        .end(JSON.stringify({ ok: false, error: fault.status === 429 ? 'ratelimited' : 'internal_error' }));
      return;
    }
    const failure = this.failures.get(method)?.shift();
    if (failure) return send(res, 200, { ok: false, error: failure });
    return send(res, 200, this.reply(method, args, token));
  }

  private record(method: string, args: Json, token: string | undefined): void {
    this.calls.push({ method, args, token, at: Date.now() });
    // A token in the `token` field is how the Web API client may authenticate; anywhere else it is a leak.
    const { token: _token, ...content } = args;
    const serialized = JSON.stringify(content);
    for (const secret of this.secrets) if (secret && serialized.includes(secret)) this.leaks.push(`${method} carried a secret`);
  }

  private reply(method: string, args: Json, token: string | undefined): Json {
    if (method === 'apps.connections.open') {
      if (token !== this.appToken) return { ok: false, error: 'invalid_auth' };
      return { ok: true, url: `${this.baseUrl.replace('http', 'ws')}/link?ticket=${randomUUID()}` };
    }
    if (token !== this.botToken) return { ok: false, error: 'invalid_auth' };
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake',
          user: 'incidentpilot',
          team_id: TEAM_ID,
          user_id: BOT_USER_ID,
          bot_id: BOT_ID,
          is_enterprise_install: false,
        };
      case 'chat.postMessage':
      case 'chat.update':
      case 'chat.postEphemeral': {
        if (typeof args.channel !== 'string' || !args.channel) return { ok: false, error: 'channel_not_found' };
        const errors = validateMessage(args);
        if (errors.length > 0) {
          this.invalid.push({ method, errors });
          return { ok: false, error: 'invalid_blocks', errors };
        }
        this.hygiene.push(...hygieneErrors(method, args));
        return this.store(method, args);
      }
      case 'conversations.info': {
        // As the Web API answers: the conversation object, `channel_not_found` for an id that names none.
        const channel = String(args.channel ?? '');
        if (!/^[CGD][A-Z0-9]+$/.test(channel)) return { ok: false, error: 'channel_not_found' };
        const shared = this.sharedChannels.has(channel);
        const isPrivate = this.privateChannels.has(channel);
        // The fields Slack documents for a conversation object; Slack Connect channels carry is_ext_shared.
        return {
          ok: true,
          channel: {
            id: channel,
            name: channel.toLowerCase(),
            is_channel: !isPrivate,
            is_group: isPrivate,
            is_im: false,
            is_private: isPrivate,
            is_ext_shared: shared,
            is_shared: shared,
            is_org_shared: false,
            is_pending_ext_shared: false,
          },
        };
      }
      case 'users.info':
      case 'usergroups.users.list':
        return directoryReply(method, args, { teamId: TEAM_ID, users: this.users, groups: this.groups });
      case 'views.open': {
        const view = (typeof args.view === 'string' ? safeJson(args.view) : args.view) as Json | undefined;
        const errors = modalErrors(args.trigger_id, view);
        if (errors.length > 0) {
          this.invalid.push({ method, errors });
          return { ok: false, error: 'invalid_arguments', errors };
        }
        this.views.push({ triggerId: String(args.trigger_id), view: view as Json });
        return { ok: true, view: { id: `V${this.views.length}`, ...(view as Json) } };
      }
      case 'chat.getPermalink': {
        const channel = String(args.channel ?? '');
        const ts = String(args.message_ts ?? '');
        if (!this.messages.some((m) => m.channel === channel && m.ts === ts)) return { ok: false, error: 'message_not_found' };
        return { ok: true, channel, permalink: `https://fake.slack.com/archives/${channel}/p${ts.replace('.', '')}` };
      }
      case 'chat.startStream':
      case 'chat.appendStream':
      case 'chat.stopStream':
      case 'assistant.threads.setStatus':
        return this.streaming.reply(method, args) ?? { ok: false, error: 'unknown_method' };
      case 'conversations.replies': {
        const limit = Number(args.limit ?? 1000);
        const messages = this.thread(String(args.channel), String(args.ts)).slice(0, limit);
        if (messages.length === 0) return { ok: false, error: 'thread_not_found' };
        return { ok: true, messages, has_more: false, response_metadata: { next_cursor: '' } };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private store(method: string, args: Json): Json {
    const channel = String(args.channel);
    if (method === 'chat.update') {
      const existing = this.messages.find((m) => m.channel === channel && m.ts === args.ts);
      if (!existing) return { ok: false, error: 'message_not_found' };
      existing.text = args.text as string;
      existing.blocks = args.blocks as Json[] | undefined;
      existing.edits = ((existing.edits as number | undefined) ?? 0) + 1;
      return { ok: true, channel, ts: existing.ts, text: existing.text };
    }
    const ts = this.nextTs();
    if (method === 'chat.postEphemeral') return { ok: true, message_ts: ts };
    const message: StoredMessage = {
      type: 'message',
      channel,
      ts,
      user: BOT_USER_ID,
      bot_id: BOT_ID,
      text: args.text as string,
      blocks: args.blocks as Json[] | undefined,
      ...(args.thread_ts ? { thread_ts: String(args.thread_ts) } : {}),
    };
    this.messages.push(message);
    return { ok: true, channel, ts, message };
  }
}

/** What Slack checks on views.open that a test could get wrong: trigger, modal shape, text lengths, inputs. */
function modalErrors(triggerId: unknown, view: Json | undefined): string[] {
  const errors: string[] = [];
  if (typeof triggerId !== 'string' || !triggerId) errors.push('missing trigger_id');
  if (!view || typeof view !== 'object') return [...errors, 'missing view'];
  if (view.type !== 'modal') errors.push('view.type must be modal');
  const title = (view.title as Json | undefined)?.text;
  if (typeof title !== 'string' || title.length === 0 || title.length > 24) errors.push('title must be 1-24 characters');
  const blocks = (view.blocks as Json[] | undefined) ?? [];
  if (blocks.length === 0 || blocks.length > 100) errors.push('a modal has 1-100 blocks');
  const inputs = blocks.filter((b) => b.type === 'input');
  if (inputs.length > 0 && typeof (view.submit as Json | undefined)?.text !== 'string') errors.push('a modal with inputs needs submit');
  for (const block of inputs) {
    const label = (block.label as Json | undefined)?.text;
    if (typeof label !== 'string' || label.length > 2000) errors.push(`input ${String(block.block_id)}: label`);
    const element = block.element as Json | undefined;
    if (!element?.action_id) errors.push(`input ${String(block.block_id)}: element.action_id`);
    // Block Kit: a hint is at most 2000 characters; a plain_text_input's placeholder 150, its max_length 1-3000.
    const hint = (block.hint as Json | undefined)?.text;
    if (hint !== undefined && (typeof hint !== 'string' || hint.length > 2000)) errors.push(`input ${String(block.block_id)}: hint`);
    const placeholder = (element?.placeholder as Json | undefined)?.text;
    if (placeholder !== undefined && (typeof placeholder !== 'string' || placeholder.length > 150))
      errors.push(`input ${String(block.block_id)}: placeholder over 150`);
    const maxLength = element?.max_length;
    if (maxLength !== undefined && (typeof maxLength !== 'number' || maxLength < 1 || maxLength > 3000))
      errors.push(`input ${String(block.block_id)}: max_length`);
  }
  // Every other block of a modal follows the same rules as in a message.
  errors.push(...validateBlocks(blocks.filter((b) => b.type !== 'input')));
  for (const key of ['submit', 'close'] as const) {
    const text = (view[key] as Json | undefined)?.text;
    if (text !== undefined && (typeof text !== 'string' || text.length > 24)) errors.push(`${key} must be 1-24 characters`);
  }
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) errors.push('private_metadata over 3000');
  if (typeof view.callback_id === 'string' && view.callback_id.length > 255) errors.push('callback_id over 255');
  return errors;
}

export function findButton(message: StoredMessage, actionId: string): Json | undefined {
  for (const block of message.blocks ?? []) {
    if (block.type !== 'actions') continue;
    const match = (block.elements as Json[]).find((el) => el.action_id === actionId);
    if (match) return { ...match, block_id: block.block_id ?? 'actions' };
  }
  return undefined;
}

/** A feedback_buttons element's action as a click on one of its buttons sends it (value and text of that button). */
export function findFeedbackButton(message: StoredMessage, which: 'positive' | 'negative'): Json | undefined {
  for (const block of message.blocks ?? []) {
    if (block.type !== 'context_actions') continue;
    const element = (block.elements as Json[]).find((el) => el.type === 'feedback_buttons');
    const button = element?.[`${which}_button`] as Json | undefined;
    if (!element || !button) continue;
    return {
      type: 'feedback_buttons',
      action_id: element.action_id,
      block_id: block.block_id ?? 'context_actions',
      value: button.value,
      text: button.text,
    };
  }
  return undefined;
}

/** All mrkdwn/plain text of a message's blocks, for assertions. */
export function blockText(message: { blocks?: Json[]; text?: string }): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'text' && typeof value === 'string') out.push(value);
        else walk(value);
      }
    }
  };
  walk(message.blocks ?? []);
  return out.join('\n');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The Web API client sends forms whose object values (blocks, attachments) are JSON strings; some callers send JSON. */
function parseBody(req: IncomingMessage, body: string): Json {
  if (!body) return {};
  if ((req.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(body) as Json;
  const args: Json = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(res: ServerResponse, status: number, body: Json): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
