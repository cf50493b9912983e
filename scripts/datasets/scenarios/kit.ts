import type { Endpoint } from '../logs/traffic.js';
import type { Lang, ServiceSpec } from '../service.js';

/**
 * A service outside the shop's presets, for scenarios set in other companies: name, stack and format, with endpoints
 * made from its name unless given. Keeps each new scenario about its story rather than fifty lines of boilerplate.
 */
export function app(
  name: string,
  lang: Lang,
  format: ServiceSpec['format'],
  overrides: Partial<ServiceSpec> & { version: string },
): ServiceSpec {
  const noun = name.replace(/-(api|service|svc|worker|server|gateway|proxy)$/, '');
  const endpoints: Endpoint[] = [
    { method: 'GET', path: `/v1/${noun}/{id}`, weight: 6 },
    { method: 'POST', path: `/v1/${noun}`, weight: 2, cost: 1.6 },
    { method: 'GET', path: `/v1/${noun}?page={id}`, weight: 2, cost: 1.3 },
  ];
  return {
    name,
    lang,
    format,
    rps: 80,
    p95: 90,
    errorPct: 0.06,
    cpu: 30,
    accessPerMin: 1.5,
    components: [noun, 'api', 'storage'],
    endpoints,
    ...(lang === 'java' ? { pkg: `io.${noun.replace(/-/g, '')}` } : {}),
    ...overrides,
  };
}
