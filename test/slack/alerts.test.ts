import { describe, expect, it } from 'vitest';
import { toAlertMessage } from '../../src/slack/alerts/message.js';
import { alertFingerprint, alertIncident, parseAlert } from '../../src/slack/alerts/registry.js';

const parse = (event: Record<string, unknown>) => parseAlert(toAlertMessage(event));

const alertmanager = (status: string, extra = '') => ({
  subtype: 'bot_message',
  username: 'alertmanager',
  attachments: [
    {
      title: `[${status}] HighErrorRate checkout (critical)`,
      title_link: 'http://alertmanager:9093/#/alerts?receiver=slack',
      text: `*Alert:* checkout 5xx above 5% - \`critical\`\n*Description:* ratio ${extra || '7.2%'}\n*Details:*\n • *alertname:* \`HighErrorRate\`\n • *service:* \`checkout\`\n • *severity:* \`critical\``,
      fallback: `[${status}] HighErrorRate | http://alertmanager:9093`,
    },
  ],
});

describe('alert parsers', () => {
  it('Alertmanager: [FIRING:n] title, labels from the text', () => {
    const alert = parse(alertmanager('FIRING:2'));
    expect(alert).toMatchObject({
      source: 'alertmanager',
      status: 'firing',
      alertName: 'HighErrorRate',
      labels: { service: 'checkout', severity: 'critical' },
    });
    const resolved = parse(alertmanager('RESOLVED'));
    expect(resolved).toMatchObject({ source: 'alertmanager', status: 'resolved' });
    // The resolution must find the analysis its firing started.
    expect(alertFingerprint(resolved!)).toBe(alertFingerprint(alert!));
    expect(alertIncident(alert!)).toContain('HighErrorRate');
  });

  it('Alertmanager with the default (empty) text still yields the alert name from the title', () => {
    const alert = parse({
      bot_id: 'B1',
      attachments: [{ title: '[FIRING:1] DiskFull db-1', fallback: '[FIRING:1] DiskFull db-1 | http://am' }],
    });
    expect(alert).toMatchObject({ source: 'alertmanager', status: 'firing', alertName: 'DiskFull' });
  });

  it('fingerprints ignore changing values and prose but not identifying labels', () => {
    const a = parse(alertmanager('FIRING:1', '7.2%'))!;
    const b = parse(alertmanager('FIRING:3', '9.9%'))!;
    expect(alertFingerprint(a)).toBe(alertFingerprint(b));
    const other = parse({
      ...alertmanager('FIRING:1'),
      attachments: [{ title: '[FIRING:1] HighErrorRate cart', text: ' • *alertname:* `HighErrorRate`\n • *service:* `cart`' }],
    })!;
    expect(alertFingerprint(other)).not.toBe(alertFingerprint(a));
  });

  it('Grafana unified alerting: Firing/Resolved with a Labels list, annotations excluded', () => {
    const text =
      '**Firing**\n\nValue: A=812\nLabels:\n - alertname = HighLatency\n - service = checkout\nAnnotations:\n - summary = p99 above 800ms\nSource: http://grafana:3000/alerting/grafana/abc/view';
    const alert = parse({ bot_id: 'B2', attachments: [{ title: '[FIRING:1] HighLatency checkout', text, footer: 'Grafana v10.4.1' }] });
    expect(alert).toMatchObject({
      source: 'grafana',
      status: 'firing',
      alertName: 'HighLatency',
      labels: { alertname: 'HighLatency', service: 'checkout' },
    });
    expect(alert?.labels.summary).toBeUndefined();
    const resolved = parse({
      bot_id: 'B2',
      attachments: [
        { title: '[RESOLVED] HighLatency checkout', text: text.replace('**Firing**', '**Resolved**'), footer: 'Grafana v10.4.1' },
      ],
    });
    expect(resolved?.status).toBe('resolved');
  });

  it('Grafana legacy alerting: [Alerting] and [OK]', () => {
    expect(parse({ bot_id: 'B2', attachments: [{ title: '[Alerting] Checkout latency', footer: 'Grafana v8.5' }] })).toMatchObject({
      source: 'grafana',
      status: 'firing',
      alertName: 'Checkout latency',
    });
    expect(parse({ bot_id: 'B2', attachments: [{ title: '[OK] Checkout latency', footer: 'Grafana v8.5' }] })?.status).toBe('resolved');
  });

  it('Datadog: [Triggered] / [Recovered] with tags', () => {
    const alert = parse({
      bot_id: 'B3',
      text: '[Triggered] [P1] Checkout error rate is high\nerror rate 7% on service:checkout env:prod\n@slack-incidents',
    });
    expect(alert).toMatchObject({
      source: 'datadog',
      status: 'firing',
      alertName: 'Checkout error rate is high',
      labels: { service: 'checkout', env: 'prod' },
    });
    expect(parse({ bot_id: 'B3', text: '[Recovered] [P1] Checkout error rate is high' })?.status).toBe('resolved');
    expect(parse({ bot_id: 'B3', attachments: [{ title: '[Warn] Disk usage high', text: 'host:db-1' }] })).toMatchObject({
      source: 'datadog',
      status: 'firing',
    });
  });

  it('PagerDuty: triggered starts, acknowledged and resolved do not', () => {
    const event = (word: string) => ({
      bot_id: 'B4',
      bot_profile: { name: 'PagerDuty' },
      attachments: [
        {
          title: `${word}: #4521 Checkout API error rate`,
          fields: [
            { title: 'Service', value: 'checkout-api' },
            { title: 'Status', value: word },
            { title: 'Urgency', value: 'High' },
          ],
        },
      ],
    });
    const triggered = parse(event('Triggered'));
    expect(triggered).toMatchObject({
      source: 'pagerduty',
      status: 'firing',
      alertName: 'Checkout API error rate',
      labels: { service: 'checkout-api', incident: '4521' },
    });
    expect(parse(event('Acknowledged'))?.status).toBe('other');
    expect(parse(event('Resolved'))?.status).toBe('resolved');
    // Status changes must not split one incident into several fingerprints.
    expect(alertFingerprint(parse(event('Reopened'))!)).toBe(alertFingerprint(triggered!));
  });

  it('generic fallback: alert-like bot messages from blocks; chatter and recoveries ignored', () => {
    const fromBlocks = parse({
      bot_id: 'B5',
      text: 'fallback',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Payment API is down' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '5 of 5 health checks failing' },
          fields: [{ type: 'mrkdwn', text: '*Region*\neu-west-1' }],
        },
      ],
    });
    expect(fromBlocks).toMatchObject({
      source: 'generic',
      status: 'firing',
      title: 'Payment API is down',
      labels: { region: 'eu-west-1' },
    });
    expect(parse({ bot_id: 'B5', text: 'Deploy of web v12 finished, have a nice day' })).toBeUndefined();
    expect(parse({ bot_id: 'B5', text: 'Payment API recovered' })?.status).toBe('resolved');
    expect(alertFingerprint(parse({ bot_id: 'B5', text: 'CPU at 91% on api alert' })!)).toBe(
      alertFingerprint(parse({ bot_id: 'B5', text: 'CPU at 97% on api alert' })!),
    );
  });
});
