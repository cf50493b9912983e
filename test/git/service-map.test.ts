import { describe, expect, it } from 'vitest';
import { compileTagPatterns, DEFAULT_DEPLOY_TAG_PATTERN, parseTagName } from '../../mcp-servers/git/backends/repo-tags.js';
import { createServiceMapper, ServicePatternError } from '../../mcp-servers/git/service-map.js';

describe('service path mapping', () => {
  it('names the service by the first lone * segment, else the top folder, else none', () => {
    const mapper = createServiceMapper('services/*/**, apps/*/**');
    expect(mapper.serviceOfFile('services/checkout-api/src/app.ts')).toBe('checkout-api');
    expect(mapper.serviceOfFile('./apps/admin/x.ts')).toBe('admin');
    expect(mapper.serviceOfFile('infra/terraform/main.tf')).toBe('infra');
    expect(mapper.serviceOfFile('package.json')).toBeNull();
  });

  it('supports ** before the service segment and * inside segments', () => {
    const mapper = createServiceMapper('**/cmd/*/**,pkg-*/*/**');
    expect(mapper.serviceOfFile('go/src/cmd/gateway/main.go')).toBe('gateway');
    expect(mapper.serviceOfFile('cmd/worker/main.go')).toBe('worker');
    expect(mapper.serviceOfFile('pkg-core/auth/token.go')).toBe('auth');
  });

  it('ranks a commit’s services by how many files each touched', () => {
    const mapper = createServiceMapper();
    expect(mapper.servicesOfFiles(['services/a/1', 'services/b/1', 'services/b/2', 'README.md'])).toEqual(['b', 'a']);
    expect(mapper.servicesOfFiles([])).toEqual([]);
  });

  it('rejects patterns that cannot name a service', () => {
    expect(() => createServiceMapper('services/**')).toThrow(ServicePatternError);
    expect(() => createServiceMapper('services//*')).toThrow(/empty segment/);
    expect(() => createServiceMapper(' , ')).toThrow(/empty/);
  });
});

describe('release tag names', () => {
  it('the default pattern accepts the three release styles and nothing else', () => {
    const patterns = compileTagPatterns(DEFAULT_DEPLOY_TAG_PATTERN);
    const isRelease = (name: string) => patterns.some((p) => p.test(name));
    expect(['v2.4.1', 'checkout-api/v2.4.1', 'checkout-api@2.4.1'].every(isRelease)).toBe(true);
    expect(['nightly-2024', 'release-candidate', 'build/123'].some(isRelease)).toBe(false);
  });

  it('takes the service from the tag, else the default', () => {
    expect(parseTagName('checkout-api/v2.4.1', 'shop')).toEqual({ service: 'checkout-api', version: 'v2.4.1' });
    expect(parseTagName('checkout-api@2.4.1', 'shop')).toEqual({ service: 'checkout-api', version: '2.4.1' });
    expect(parseTagName('releases/payments/v3', 'shop')).toEqual({ service: 'payments', version: 'v3' });
    expect(parseTagName('v2.4.1', 'shop')).toEqual({ service: 'shop', version: 'v2.4.1' });
  });
});
