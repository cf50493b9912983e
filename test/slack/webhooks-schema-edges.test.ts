import { describe, expect, it } from 'vitest';
import { parsePayload } from '../../src/slack/webhooks/http.js';
import {
  alertBytes,
  boundGroup,
  FIELD_BOUNDS,
  GROUP_MAX_BYTES,
  MAX_ALERTS_PER_PAYLOAD,
  type WebhookAlert,
  type WebhookGroup,
  type WebhookSource,
} from '../../src/slack/webhooks/schema.js';

/** Alert payload limits and conversions at their edges (issue 30): each bound at, under and over its value. */

const T0 = '2026-03-01T10:00:00Z';

function raw(alerts: Record<string, unknown>[], group: Record<string, unknown> = {}): string {
  return JSON.stringify({ receiver: 'incidentpilot', status: 'firing', ...group, alerts });
}

const firing = (extra: Record<string, unknown> = {}) => ({ status: 'firing', labels: { alertname: 'DiskFull' }, startsAt: T0, ...extra });

function parsed(source: WebhookSource, body: string): WebhookGroup {
  const result = parsePayload(source, body);
  if (!result.ok) throw new Error(result.error);
  return result.group;
}

function refusal(source: WebhookSource, body: string): string {
  const result = parsePayload(source, body);
  return result.ok ? 'accepted' : result.error;
}

/** A record of `count` entries, each key and value of the given lengths. */
function record(count: number, keyLength = 4, valueLength = 4): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${i}`.padStart(keyLength, 'k'), `${i}`.padStart(valueLength, 'v')]));
}

describe('payload schema', () => {
  it(`${MAX_ALERTS_PER_PAYLOAD} alerts are taken, one more is refused, none is refused`, () => {
    const many = (n: number) => raw(Array.from({ length: n }, (_, i) => firing({ fingerprint: `fp${i}` })));
    expect(parsed('alertmanager', many(MAX_ALERTS_PER_PAYLOAD)).alerts).toHaveLength(MAX_ALERTS_PER_PAYLOAD);
    expect(refusal('alertmanager', many(MAX_ALERTS_PER_PAYLOAD + 1))).toMatch(/^alerts: /);
    expect(refusal('grafana', many(MAX_ALERTS_PER_PAYLOAD + 1))).toMatch(/^alerts: /);
    expect(refusal('alertmanager', many(0))).toMatch(/^alerts: /);
  });

  it('a fingerprint of 200 characters is taken, 201 or an empty one refused; groupKey up to 4000', () => {
    expect(parsed('alertmanager', raw([firing({ fingerprint: 'f'.repeat(200) })])).alerts[0]?.fingerprint).toBe('f'.repeat(200));
    expect(refusal('alertmanager', raw([firing({ fingerprint: 'f'.repeat(201) })]))).toMatch(/^alerts\[0\]\.fingerprint: /);
    expect(refusal('alertmanager', raw([firing({ fingerprint: '' })]))).toMatch(/^alerts\[0\]\.fingerprint: /);
    expect(parsed('alertmanager', raw([firing()], { groupKey: 'g'.repeat(4000) })).groupKey).toHaveLength(4000);
    expect(refusal('alertmanager', raw([firing()], { groupKey: 'g'.repeat(4001) }))).toMatch(/^groupKey: /);
  });

  it('names the first failing field by its path, or (body) for the whole value', () => {
    expect(refusal('alertmanager', raw([firing(), firing({ labels: { a: 1 } })]))).toMatch(/^alerts\[1\]\.labels\.a: /);
    expect(refusal('alertmanager', raw([firing({ status: 'pending' })]))).toMatch(/^alerts\[0\]\.status: /);
    expect(refusal('grafana', '[]')).toMatch(/^\(body\): /);
    expect(refusal('alertmanager', raw([firing()], { truncatedAlerts: -1 }))).toMatch(/^truncatedAlerts: /);
  });

  it('fills defaults: no receiver, labels, annotations or key', () => {
    const group = parsed('alertmanager', JSON.stringify({ status: 'resolved', alerts: [firing({ status: 'resolved' })] }));
    expect(group).toMatchObject({
      source: 'alertmanager',
      receiver: '',
      status: 'resolved',
      groupKey: '',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      truncatedAlerts: 0,
    });
    expect(group.alerts[0]?.annotations).toEqual({});
  });
});

describe('times and fingerprints', () => {
  it("Go's zero time means unset; 1970 and later are times; endsAt is kept for resolved alerts only", () => {
    const endsAt = (value: string, status = 'resolved') =>
      parsed('alertmanager', raw([firing({ status, endsAt: value })])).alerts[0]?.endsAt;
    expect(endsAt('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(endsAt('1969-12-31T23:59:59Z')).toBeUndefined();
    expect(endsAt('1970-01-01T00:00:00Z')).toBe('1970-01-01T00:00:00.000Z');
    expect(endsAt('2026-03-01T11:00:00+01:00')).toBe('2026-03-01T10:00:00.000Z');
    expect(endsAt('2026-03-01T11:00:00Z', 'firing')).toBeUndefined();
    expect(parsed('alertmanager', raw([firing({ status: 'resolved' })])).alerts[0]?.endsAt).toBeUndefined();
  });

  it('a zero startsAt becomes the time it arrived; a real one is normalised', () => {
    const before = Date.now();
    const started = parsed('alertmanager', raw([firing({ startsAt: '0001-01-01T00:00:00Z' })])).alerts[0]?.startsAt ?? '';
    expect(Date.parse(started)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(started)).toBeLessThanOrEqual(Date.now());
    expect(parsed('alertmanager', raw([firing()])).alerts[0]?.startsAt).toBe('2026-03-01T10:00:00.000Z');
  });

  it('without a fingerprint the sorted labels stand in, so label order does not split an alert', () => {
    const one = parsed('alertmanager', raw([firing({ labels: { b: '2', a: '1' } })])).alerts[0]?.fingerprint;
    const two = parsed('alertmanager', raw([firing({ labels: { a: '1', b: '2' } })])).alerts[0]?.fingerprint;
    expect(one).toBe('a=1,b=2');
    expect(two).toBe(one);
  });
});

describe('links and values', () => {
  it('Alertmanager: generatorURL is the Source link; none without it', () => {
    expect(parsed('alertmanager', raw([firing({ generatorURL: 'http://prom/graph' })])).alerts[0]?.links).toEqual([
      { label: 'Source', url: 'http://prom/graph' },
    ]);
    expect(parsed('alertmanager', raw([firing()])).alerts[0]?.links).toEqual([]);
  });

  it('Grafana: Source, Dashboard, Panel and Silence links, each only when sent', () => {
    const all = {
      generatorURL: 'http://g/source',
      dashboardURL: 'http://g/d',
      panelURL: 'http://g/p',
      silenceURL: 'http://g/s',
    };
    expect(parsed('grafana', raw([firing(all)])).alerts[0]?.links.map((l) => l.label)).toEqual(['Source', 'Dashboard', 'Panel', 'Silence']);
    for (const [field, label] of [
      ['dashboardURL', 'Dashboard'],
      ['panelURL', 'Panel'],
      ['silenceURL', 'Silence'],
    ] as const) {
      expect(parsed('grafana', raw([firing({ [field]: 'http://g/x' })])).alerts[0]?.links).toEqual([{ label, url: 'http://g/x' }]);
    }
  });

  it('Grafana values: numbers to 6 digits, nested values elided, valueString when values are empty or absent', () => {
    const values = (extra: Record<string, unknown>) => parsed('grafana', raw([firing(extra)])).alerts[0]?.values;
    expect(values({ values: { B: 44.123456789, C: 1, D: 'up', E: { x: 1 }, F: null } })).toBe('B=44.1235, C=1, D=up, E=…, F=null');
    expect(values({ values: {}, valueString: '[ var=B value=44 ]' })).toBe('[ var=B value=44 ]');
    expect(values({ values: null, valueString: '[ var=B ]' })).toBe('[ var=B ]');
    expect(values({ valueString: '' })).toBeUndefined();
    expect(values({})).toBeUndefined();
    expect(parsed('alertmanager', raw([firing({ values: { B: 1 } })])).alerts[0]?.values).toBeUndefined();
  });
});

describe('display bounds', () => {
  const group = (alert: Record<string, unknown>, extra: Record<string, unknown> = {}) => parsed('grafana', raw([firing(alert)], extra));

  it('label and annotation counts: the bound is kept, the next one dropped', () => {
    expect(Object.keys(group({ labels: record(FIELD_BOUNDS.labels) }).alerts[0]?.labels ?? {})).toHaveLength(FIELD_BOUNDS.labels);
    expect(Object.keys(group({ labels: record(FIELD_BOUNDS.labels + 1) }).alerts[0]?.labels ?? {})).toHaveLength(FIELD_BOUNDS.labels);
    const annotations = (n: number) => Object.keys(group({ annotations: record(n) }).alerts[0]?.annotations ?? {}).length;
    expect([annotations(FIELD_BOUNDS.annotations), annotations(FIELD_BOUNDS.annotations + 1)]).toEqual([
      FIELD_BOUNDS.annotations,
      FIELD_BOUNDS.annotations,
    ]);
    const common = group({}, { groupLabels: record(40), commonLabels: record(40), commonAnnotations: record(40) });
    expect([common.groupLabels, common.commonLabels, common.commonAnnotations].map((set) => Object.keys(set).length)).toEqual([
      FIELD_BOUNDS.labels,
      FIELD_BOUNDS.labels,
      FIELD_BOUNDS.annotations,
    ]);
  });

  it('keys and values at their bound stay whole; one character more is cut to the bound with an ellipsis', () => {
    const cases: [string, number, (n: number) => Record<string, unknown>, (g: WebhookGroup) => string][] = [
      ['key', FIELD_BOUNDS.key, (n) => ({ labels: { ['k'.repeat(n)]: 'v' } }), (g) => Object.keys(g.alerts[0]?.labels ?? {})[0] ?? ''],
      ['label value', FIELD_BOUNDS.labelValue, (n) => ({ labels: { a: 'v'.repeat(n) } }), (g) => g.alerts[0]?.labels.a ?? ''],
      [
        'annotation value',
        FIELD_BOUNDS.annotationValue,
        (n) => ({ annotations: { summary: 's'.repeat(n) } }),
        (g) => g.alerts[0]?.annotations.summary ?? '',
      ],
      ['values', FIELD_BOUNDS.values, (n) => ({ valueString: 'x'.repeat(n) }), (g) => g.alerts[0]?.values ?? ''],
    ];
    for (const [what, bound, make, read] of cases) {
      expect(read(group(make(bound))), what).toBe(read(group(make(bound))).slice(0, bound));
      expect(read(group(make(bound))), what).toHaveLength(bound);
      const cut = read(group(make(bound + 1)));
      expect(cut, what).toHaveLength(bound);
      expect(cut.endsWith('…'), what).toBe(true);
    }
    expect(group({}, { receiver: 'r'.repeat(FIELD_BOUNDS.receiver) }).receiver).toHaveLength(FIELD_BOUNDS.receiver);
    const receiver = group({}, { receiver: 'r'.repeat(FIELD_BOUNDS.receiver + 1) }).receiver;
    expect([receiver.length, receiver.endsWith('…')]).toEqual([FIELD_BOUNDS.receiver, true]);
    const commonValue = group({}, { commonLabels: { a: 'v'.repeat(FIELD_BOUNDS.labelValue + 1) } }).commonLabels.a ?? '';
    expect(commonValue).toHaveLength(FIELD_BOUNDS.labelValue);
    const commonAnnotation = group({}, { commonAnnotations: { a: 'v'.repeat(FIELD_BOUNDS.labelValue + 1) } }).commonAnnotations.a;
    expect(commonAnnotation).toHaveLength(FIELD_BOUNDS.labelValue + 1);
  });

  it('URLs are cut at their bound without an ellipsis (a cut link still points somewhere)', () => {
    const url = (n: number) => `http://g/${'p'.repeat(n - 9)}`;
    expect(group({ dashboardURL: url(FIELD_BOUNDS.url) }).alerts[0]?.links[0]?.url).toBe(url(FIELD_BOUNDS.url));
    expect(group({ dashboardURL: url(FIELD_BOUNDS.url + 1) }).alerts[0]?.links[0]?.url).toBe(url(FIELD_BOUNDS.url));
  });

  it('a group keeps alerts while their bytes total at most GROUP_MAX_BYTES; the rest are added to truncatedAlerts', () => {
    const alert = (i: number, pad: number): WebhookAlert => ({
      status: 'firing',
      labels: { alertname: 'A', i: String(i).padStart(3, '0') },
      annotations: { description: 'd'.repeat(pad) },
      startsAt: T0,
      fingerprint: `fp${String(i).padStart(3, '0')}`,
      links: [],
    });
    const base = alertBytes(alert(0, 0));
    const perAlert = base + FIELD_BOUNDS.annotationValue;
    const full = Math.floor(GROUP_MAX_BYTES / perAlert);
    // `full` alerts of perAlert bytes, then one that fills the group exactly: all are kept.
    const last = GROUP_MAX_BYTES - full * perAlert - base;
    const exact = [...Array.from({ length: full }, (_, i) => alert(i, FIELD_BOUNDS.annotationValue)), alert(full, last)];
    expect(exact.reduce((sum, a) => sum + alertBytes(a), 0)).toBe(GROUP_MAX_BYTES);
    const group = (alerts: WebhookAlert[], truncatedAlerts = 0): WebhookGroup => ({
      source: 'alertmanager',
      receiver: '',
      status: 'firing',
      groupKey: '',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      alerts,
      truncatedAlerts,
    });
    expect(boundGroup(group(exact, 2))).toMatchObject({ truncatedAlerts: 2 });
    expect(boundGroup(group(exact)).alerts).toHaveLength(full + 1);
    const over = [...exact.slice(0, full), alert(full, last + 1), alert(full + 1, 0)];
    const bounded = boundGroup(group(over, 2));
    expect(bounded.alerts).toHaveLength(full);
    expect(bounded.truncatedAlerts).toBe(4);
  });
});
