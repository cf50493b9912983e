import {
  authEvents,
  cacheStats,
  chronicError,
  clientClosed,
  consumerLag,
  gcPauses,
  healthChecks,
  scheduledJob,
  slowQuery,
} from './logs/noise.js';
import type { EventPart, Service, ServiceSpec } from './service.js';

/**
 * The shop's services as they usually look: language, log format, traffic, endpoints. Scenarios take a
 * preset and override what their story needs (version, rates, format), so every dataset has a
 * believable fleet without repeating fifty lines of endpoints.
 */

type Preset = Omit<ServiceSpec, 'version'> & { version?: string };

const PRESETS: Record<string, Preset> = {
  'api-gateway': {
    name: 'api-gateway',
    lang: 'go',
    format: 'logfmt',
    rps: 280,
    p95: 90,
    errorPct: 0.05,
    cpu: 27,
    accessPerMin: 3,
    components: ['proxy', 'ratelimit', 'authn'],
    endpoints: [
      { method: 'GET', path: '/api/products/{id}', weight: 30, cost: 0.7, upstream: 'catalog-service' },
      { method: 'GET', path: '/api/search', weight: 14, cost: 1.2, upstream: 'search-service' },
      { method: 'GET', path: '/api/cart/{id}', weight: 12, upstream: 'cart-service' },
      { method: 'POST', path: '/api/checkout', weight: 4, cost: 2, upstream: 'checkout-api' },
      { method: 'GET', path: '/api/users/me', weight: 14, cost: 0.5, upstream: 'user-service' },
      { method: 'GET', path: '/api/orders/{id}', weight: 6, upstream: 'order-service' },
    ],
  },
  'order-service': {
    name: 'order-service',
    lang: 'java',
    format: 'plain',
    pkg: 'com.shop.orders',
    rps: 38,
    p95: 140,
    errorPct: 0.1,
    cpu: 38,
    accessPerMin: 2.5,
    components: ['orders', 'history', 'fulfillment'],
    endpoints: [
      { method: 'GET', path: '/api/orders/{id}', weight: 6 },
      { method: 'GET', path: '/api/orders?customerId={id}', weight: 4, cost: 1.4 },
      { method: 'POST', path: '/api/orders', weight: 2, cost: 1.8 },
      { method: 'PATCH', path: '/api/orders/{id}/status', weight: 1 },
    ],
  },
  'user-service': {
    name: 'user-service',
    lang: 'python',
    format: 'json',
    rps: 90,
    p95: 60,
    errorPct: 0.05,
    cpu: 30,
    accessPerMin: 1.5,
    components: ['profile', 'sessions', 'addresses'],
    endpoints: [
      { method: 'GET', path: '/v2/users/{id}', weight: 6 },
      { method: 'POST', path: '/v2/sessions', weight: 2, cost: 1.8 },
      { method: 'GET', path: '/v2/users/{id}/addresses', weight: 2 },
    ],
  },
  'search-service': {
    name: 'search-service',
    lang: 'java',
    format: 'log4j',
    pkg: 'com.shop.search',
    rps: 120,
    p95: 210,
    errorPct: 0.1,
    cpu: 45,
    accessPerMin: 2.5,
    components: ['query', 'indexing', 'ranking', 'suggest'],
    endpoints: [
      { method: 'GET', path: '/search?q={slug}', weight: 8 },
      { method: 'GET', path: '/suggest?prefix={slug}', weight: 5, cost: 0.3 },
      { method: 'GET', path: '/search/facets?category={slug}', weight: 2, cost: 1.3 },
    ],
  },
  'catalog-service': {
    name: 'catalog-service',
    lang: 'go',
    format: 'logfmt',
    rps: 160,
    p95: 70,
    errorPct: 0.04,
    cpu: 31,
    accessPerMin: 2,
    components: ['products', 'categories', 'media'],
    endpoints: [
      { method: 'GET', path: '/v1/products/{id}', weight: 8 },
      { method: 'GET', path: '/v1/categories/{slug}/products', weight: 3, cost: 1.5 },
      { method: 'GET', path: '/v1/products/{id}/media', weight: 2, cost: 0.5 },
    ],
  },
  'cart-service': {
    name: 'cart-service',
    lang: 'node',
    format: 'pino',
    rps: 70,
    p95: 65,
    errorPct: 0.08,
    cpu: 24,
    accessPerMin: 2,
    components: ['cart', 'promotions', 'session'],
    endpoints: [
      { method: 'GET', path: '/carts/{uuid}', weight: 6 },
      { method: 'POST', path: '/carts/{uuid}/items', weight: 3, cost: 1.4 },
      { method: 'DELETE', path: '/carts/{uuid}/items/{sku}', weight: 1 },
    ],
  },
  'payment-service': {
    name: 'payment-service',
    lang: 'node',
    format: 'pino',
    rps: 11,
    p95: 420,
    errorPct: 0.2,
    cpu: 22,
    accessPerMin: 1.5,
    components: ['charges', 'refunds', 'webhooks'],
    endpoints: [
      { method: 'POST', path: '/v1/charges', weight: 5, cost: 1.3 },
      { method: 'GET', path: '/v1/charges/{uuid}', weight: 2, cost: 0.2 },
      { method: 'POST', path: '/v1/refunds', weight: 1 },
      { method: 'POST', path: '/v1/webhooks/payprovider', weight: 2, cost: 0.2 },
    ],
  },
  'inventory-service': {
    name: 'inventory-service',
    lang: 'java',
    format: 'log4j',
    pkg: 'com.shop.inventory',
    rps: 60,
    p95: 40,
    errorPct: 0.08,
    cpu: 33,
    accessPerMin: 2,
    components: ['stock', 'reservations', 'warehouse-sync'],
    endpoints: [
      { method: 'GET', path: '/internal/stock/{sku}', weight: 8, cost: 0.8 },
      { method: 'POST', path: '/internal/reservations', weight: 2, cost: 1.5 },
      { method: 'GET', path: '/api/inventory/{sku}/availability', weight: 3 },
    ],
  },
  'notification-worker': {
    name: 'notification-worker',
    lang: 'node',
    format: 'pino',
    rps: 6,
    p95: 850,
    errorPct: 0.3,
    cpu: 18,
    accessPerMin: 0,
    components: ['email', 'sms', 'templates'],
    endpoints: [],
  },
};

export function preset(name: keyof typeof PRESETS | string, overrides: Partial<ServiceSpec> & { version: string }): ServiceSpec {
  const base = PRESETS[name];
  if (!base) throw new Error(`no preset ${name}`);
  return { ...base, ...overrides };
}

/** The background chatter a service of this kind writes all day (see logs/noise.ts). */
export function everydayNoise(svc: Service): void {
  const { name, lang } = svc.spec;
  if (name === 'api-gateway') {
    healthChecks(svc, 1);
    clientClosed(svc, 6);
    // Go's reverse proxy logs a client hanging up mid-proxy as an error: scary-looking, harmless, constant.
    chronicError(svc, 2, (r) => ({
      level: 'error',
      msg: 'http: proxy error: context canceled',
      fields: {
        upstream: r.pick(['catalog-service', 'search-service', 'user-service']),
        path: r.pick(['/api/search', '/api/products', '/api/users/me']),
      },
    }));
    return;
  }
  // Telemetry export hiccups: every service has some, and they never matter for an incident.
  chronicError(
    svc,
    0.6,
    (r): EventPart =>
      lang === 'java'
        ? {
            level: 'error',
            logger: 'io.opentelemetry.exporter.internal.grpc.GrpcExporter',
            msg: `Failed to export spans. Server responded with gRPC status code 14. Error message: UNAVAILABLE: io exception (otel-collector:4317)`,
          }
        : lang === 'node'
          ? {
              level: 'error',
              msg: 'failed to export metrics',
              fields: { exporter: 'otlp', error: 'ECONNREFUSED 10.43.0.17:4318', dropped: r.int(40, 400) },
            }
          : lang === 'python'
            ? {
                level: 'error',
                logger: 'opentelemetry.exporter.otlp',
                msg: `Failed to export batch code: 503, reason: collector overloaded (dropped ${r.int(40, 400)} spans)`,
              }
            : {
                level: 'error',
                msg: 'otel export failed',
                fields: { error: 'rpc error: code = Unavailable desc = connection refused', dropped: r.int(40, 400) },
              },
  );
  if (svc.spec.accessPerMin > 0) clientClosed(svc, lang === 'go' ? 3 : 1.5);
  if (lang === 'java') gcPauses(svc, 4, 1024);
  if (name === 'user-service' || name === 'auth-service') authEvents(svc, 1.2);
  if (name === 'notification-worker') {
    consumerLag(svc, 'order-events', 5, [0, 40]);
    svc.every(0, Number.MAX_SAFE_INTEGER, 1.2, (r) => ({
      level: 'info',
      msg: 'email sent',
      fields: {
        template: r.pick(['order-confirmation', 'password-reset', 'order-shipped', 'cart-reminder']),
        provider: 'ses',
        ms: r.int(120, 900),
      },
    }));
  }
  if (name === 'search-service') cacheStats(svc, 'query-results', 10, 0.71);
  if (name === 'catalog-service') cacheStats(svc, 'products', 10, 0.96);
  if (name === 'order-service')
    slowQuery(svc, 1, 'select o.* from orders o where o.status=? order by o.created_at desc limit ?', [450, 980]);
  if (name === 'inventory-service') scheduledJob(svc, 'warehouse-sync', 15, 3, [4, 19]);
}
