import type { ChatProvider, ChatRequest, ChatResponse } from '../../../src/engines/ollama/provider.js';

export type ScriptedReply = Partial<ChatResponse> | Error;

/** A ChatProvider that answers from a script, for loop tests that need no HTTP; it records every request. */
export class ScriptedProvider implements ChatProvider {
  readonly label = 'ollama:scripted';
  readonly requests: ChatRequest[] = [];

  constructor(private readonly script: ScriptedReply[] | ((request: ChatRequest, index: number) => ScriptedReply)) {}

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const index = this.requests.length;
    this.requests.push({ ...request, messages: [...request.messages] });
    const reply = typeof this.script === 'function' ? this.script(request, index) : this.script[index];
    if (reply === undefined) throw new Error(`scripted provider: no reply ${index + 1}`);
    if (reply instanceof Error) throw reply;
    return {
      content: reply.content ?? '',
      toolCalls: reply.toolCalls ?? [],
      ...(reply.promptTokens ? { promptTokens: reply.promptTokens } : {}),
    };
  }
}
