import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_PROMETHEUS_TIMEOUT_MS, loadConfig, redactUrl } from '../../mcp-servers/metrics/config.js';

describe('loadConfig', () => {
  it('serves the dataset without PROMETHEUS_URL', () => {
    expect(loadConfig({ DATA_DIR: '/data/x' })).toEqual({ backend: 'dataset', dataDir: '/data/x' });
  });

  it('reads the Prometheus settings with their defaults', () => {
    const config = loadConfig({ PROMETHEUS_URL: 'http://prom:9090/' });
    expect(config).toEqual({
      backend: 'prometheus',
      prometheus: {
        allowRawQuery: false,
        url: 'http://prom:9090',
        auth: { kind: 'none' },
        timeoutMs: DEFAULT_PROMETHEUS_TIMEOUT_MS,
        serviceLabel: 'service',
        errorRateQuery: undefined,
        latencyP95Query: undefined,
        anomalyQueries: undefined,
        replayDataDir: undefined,
      },
    });
  });

  it('picks bearer or basic auth, and moves credentials out of the URL', () => {
    const bearer = loadConfig({ PROMETHEUS_URL: 'https://p', PROMETHEUS_BEARER_TOKEN: 't' });
    expect(bearer.backend === 'prometheus' && bearer.prometheus.auth).toEqual({ kind: 'bearer', token: 't' });
    const basic = loadConfig({ PROMETHEUS_URL: 'https://p', PROMETHEUS_USERNAME: 'u', PROMETHEUS_PASSWORD: 'p' });
    expect(basic.backend === 'prometheus' && basic.prometheus.auth).toEqual({ kind: 'basic', username: 'u', password: 'p' });
    const inUrl = loadConfig({ PROMETHEUS_URL: 'https://alice:s%40cret@prom.example:9090/prefix' });
    expect(inUrl.backend === 'prometheus' && inUrl.prometheus.auth).toEqual({ kind: 'basic', username: 'alice', password: 's@cret' });
    expect(inUrl.backend === 'prometheus' && inUrl.prometheus.url).toBe('https://prom.example:9090/prefix');
  });

  it('parses PROMQL_ANOMALY_QUERIES as strings or objects', () => {
    const config = loadConfig({
      PROMETHEUS_URL: 'http://p',
      PROMQL_ANOMALY_QUERIES: '["up", {"name": "mem", "query": "process_resident_memory_bytes", "unit": "bytes"}]',
    });
    expect(config.backend === 'prometheus' && config.prometheus.anomalyQueries).toEqual([
      { name: 'up', query: 'up' },
      { name: 'mem', query: 'process_resident_memory_bytes', unit: 'bytes' },
    ]);
  });

  it.each([
    [{ PROMETHEUS_URL: 'not a url' }, /PROMETHEUS_URL "not a url" is not a URL/],
    [{ PROMETHEUS_URL: 'ftp://p' }, /must be http/],
    [{ PROMETHEUS_URL: 'http://p', PROMETHEUS_BEARER_TOKEN: 't', PROMETHEUS_USERNAME: 'u' }, /not both/],
    [{ PROMETHEUS_URL: 'http://p', PROMETHEUS_PASSWORD: 'x' }, /PROMETHEUS_USERNAME is not/],
    [{ PROMETHEUS_URL: 'http://p', PROMETHEUS_TIMEOUT_MS: 'soon' }, /PROMETHEUS_TIMEOUT_MS must be a positive integer/],
    [{ PROMETHEUS_URL: 'http://p', PROMETHEUS_SERVICE_LABEL: 'a-b' }, /not a label name/],
    [{ PROMETHEUS_URL: 'http://p', PROMQL_ANOMALY_QUERIES: '[up]' }, /PROMQL_ANOMALY_QUERIES is not JSON/],
    [{ PROMETHEUS_URL: 'http://p', PROMQL_ANOMALY_QUERIES: '{"q": 1}' }, /must be a JSON array/],
  ])('rejects %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('redacts credentials in URLs shown to people', () => {
    expect(redactUrl('https://alice:pw@host/x')).toBe('https://***@host/x');
    expect(redactUrl('http://host:9090')).toBe('http://host:9090');
  });
});
