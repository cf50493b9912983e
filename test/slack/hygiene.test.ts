import { afterEach, describe, expect, it } from 'vitest';
import { neutraliseMentions, safePost, sanitiseMessage } from '../../src/slack/blocks/hygiene.js';
import { buildReportMessage } from '../../src/slack/blocks/report.js';
import { hygieneErrors } from '../fakes/slack/hygiene.js';
import { blockText } from '../fakes/slack/server.js';
import { CHANNEL, expectClean, parentOf, reportIn } from './access-helpers.js';
import { type Harness, makeReport, ScriptedEngine, startSocketHarness } from './helpers.js';

const HOSTILE = 'ping @here and @channel, <!everyone>, <!here|here>, <!channel> and <!subteam^S0SRE|@sre> now';

describe('mention neutralising', () => {
  it('turns every kind of mass ping into inert text and keeps people and channel links', () => {
    const out = neutraliseMentions(`${HOSTILE} — cc <@U0HUMAN01> in <#C0INCIDENT>`);
    expect(hygieneErrors('chat.postMessage', { text: out, unfurl_links: 'false', unfurl_media: 'false' })).toEqual([]);
    expect(out).toContain('<@U0HUMAN01>');
    expect(out).toContain('<#C0INCIDENT>');
    // Still readable: the words are there, only the ping is gone.
    expect(out.replace(/\u2060/g, '')).toBe(
      'ping @here and @channel, @everyone, @here, @channel and @sre now — cc <@U0HUMAN01> in <#C0INCIDENT>',
    );
    for (const ping of ['@here', '@channel', '@everyone', '<!', '<!subteam']) expect(out).not.toContain(ping);
  });

  it('covers fallback text and every text object, including confirm dialogs, and never unfurls', () => {
    const message = sanitiseMessage({
      text: '@here fallback',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '<!channel> in a section' } },
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: '@everyone' }, confirm: { text: { text: '@here' } } }],
        },
      ],
    });
    expect(hygieneErrors('chat.update', message as never)).toEqual([]);
    expect(safePost({ text: 'x' })).toMatchObject({ unfurl_links: false, unfurl_media: false, link_names: false });
    // The fake's detector itself: it must see what the sanitiser removes.
    expect(hygieneErrors('chat.postMessage', { text: '@here fallback' })).toHaveLength(3);
  });

  it('a report whose model output pings stays clean once sanitised', () => {
    const report = buildReportMessage(makeReport({ summary: HOSTILE, recommendations: ['tell @channel'] }), { analysisId: 'A1-beef' });
    expect(hygieneErrors('chat.postMessage', report as never).length).toBeGreaterThan(0);
    expect(hygieneErrors('chat.postMessage', safePost(report) as never)).toEqual([]);
  });
});

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('channel hygiene end to end', () => {
  it('pings typed by a user, echoed by tools or written by the model reach Slack inert; no post unfurls', async () => {
    const engine = new ScriptedEngine();
    engine.notes = ['log line: <!channel> PAGE EVERYONE @here'];
    const original = engine.analyze;
    engine.analyze = async (request) => ({
      ...(await original(request)),
      summary: HOSTILE,
      rootCause: 'see https://example.com/dashboards @channel',
    });
    harness = await startSocketHarness({}, engine);
    const { fake } = harness;
    await fake.slashCommand('@here checkout is down <!channel>');
    const parent = await fake.waitFor('the parent', () => parentOf(fake, CHANNEL, 'checkout is down'));
    const report = await fake.waitFor('the report', () => reportIn(fake, CHANNEL, parent.ts));
    await fake.waitFor('the parent to show done', () => /Done/.test(fake.messages.find((m) => m.ts === parent.ts)?.text ?? ''));
    expect(blockText(report).replace(/\u2060/g, '')).toContain('ping @here and @channel');
    // The note went out in the streamed progress (whose chunks the fake checks for pings too), not as a post.
    expect(JSON.stringify(fake.streaming.inThread(CHANNEL, parent.ts)[0]?.chunks)).toContain('PAGE EVERYONE');
    const posts = fake.callsOf('chat.postMessage');
    expect(posts.length).toBeGreaterThanOrEqual(2);
    for (const post of posts) expect([post.args.unfurl_links, post.args.unfurl_media]).toEqual(['false', 'false']);
    expectClean(fake);
  });
});
