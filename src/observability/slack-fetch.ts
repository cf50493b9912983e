import { type BotMetrics, metrics } from './metrics.js';

/** A Web API method is `/api/<family>.<verb>`; anything else (a response_url carries ids in its path) is one label. */
const WEB_API_PATH = /^\/api\/([a-z]+(?:\.[A-Za-z]+)+)$/;

export function methodOf(url: string): string {
  return WEB_API_PATH.exec(new URL(url).pathname)?.[1] ?? 'response_url';
}

/**
 * The Slack Web API client's `fetch`, counted: every HTTP request by method (the URL's last segment) and outcome:
 * `ok`, `rate_limited` (429), `error` (non-200, `"ok": false`, network failure). A request of a method whose previous
 * request failed in a way the client retries (429, 5xx, network) counts as a retry.
 */
export function countingFetch(sink: BotMetrics = metrics, inner: typeof fetch = fetch): typeof fetch {
  const failedLast = new Set<string>();
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = methodOf(url);
    const retry = failedLast.has(method);
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      failedLast.add(method);
      sink.slackRequest(method, 'error', retry);
      throw error;
    }
    if (response.status === 429 || response.status >= 500) failedLast.add(method);
    else failedLast.delete(method);
    if (response.status === 429) sink.slackRequest(method, 'rate_limited', retry);
    else if (response.status !== 200) sink.slackRequest(method, 'error', retry);
    else {
      const body = (await response
        .clone()
        .json()
        .catch(() => undefined)) as { ok?: unknown } | undefined;
      sink.slackRequest(method, body?.ok === true ? 'ok' : 'error', retry);
    }
    return response;
  };
}
