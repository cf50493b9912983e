import type { Rng } from '../prng.js';
import type { ServiceSpec } from '../service.js';

/** Routine commits: the everyday history a culprit hides in. Paths follow the monorepo's layout. */

export interface CommitDraft {
  message: string;
  files: string[];
}

const pascal = (s: string) => s.replace(/(^|[-_])(\w)/g, (_, __, c: string) => c.toUpperCase());
const camel = (s: string) => s.replace(/[-_](\w)/g, (_, c: string) => c.toUpperCase());

export function sourceFile(spec: ServiceSpec, component: string, rng: Rng): string {
  const root = `services/${spec.name}`;
  switch (spec.lang) {
    case 'java': {
      const pkgPath = (spec.pkg ?? 'com.shop').replace(/\./g, '/');
      const kind = rng.pick(['Service', 'Controller', 'Repository', 'Mapper', 'Client', 'Validator']);
      return `${root}/src/main/java/${pkgPath}/${component}/${pascal(component)}${kind}.java`;
    }
    case 'node':
      return `${root}/src/${component}/${camel(component)}${rng.pick(['', 'Handler', 'Service', 'Routes', 'Schema'])}.ts`;
    case 'go':
      return `${root}/internal/${component}/${rng.pick([component, 'handler', 'client', 'middleware'])}.go`;
    default:
      return `${root}/app/${component}/${rng.pick(['routes', 'service', 'models', 'schemas', 'tasks'])}.py`;
  }
}

export function testFile(spec: ServiceSpec, component: string): string {
  const root = `services/${spec.name}`;
  switch (spec.lang) {
    case 'java':
      return `${root}/src/test/java/${(spec.pkg ?? 'com.shop').replace(/\./g, '/')}/${component}/${pascal(component)}ServiceTest.java`;
    case 'node':
      return `${root}/test/${component}.test.ts`;
    case 'go':
      return `${root}/internal/${component}/${component}_test.go`;
    default:
      return `${root}/tests/test_${component.replace(/-/g, '_')}.py`;
  }
}

const BUILD_FILES: Record<ServiceSpec['lang'], string[]> = {
  java: ['pom.xml'],
  node: ['package.json', 'package-lock.json'],
  go: ['go.mod', 'go.sum'],
  python: ['requirements.txt'],
};

const DEPS: Record<ServiceSpec['lang'], [string, string, string][]> = {
  java: [
    ['jackson-databind', '2.16.1', '2.16.2'],
    ['spring-boot-starter-parent', '3.2.3', '3.2.4'],
    ['micrometer-registry-prometheus', '1.12.3', '1.12.4'],
    ['logback-classic', '1.4.14', '1.5.3'],
    ['resilience4j-spring-boot3', '2.1.0', '2.2.0'],
  ],
  node: [
    ['pino', '8.19.0', '8.21.0'],
    ['undici', '6.6.2', '6.11.1'],
    ['zod', '3.22.4', '3.23.8'],
    ['ioredis', '5.3.2', '5.4.1'],
    ['@opentelemetry/api', '1.7.0', '1.8.0'],
  ],
  go: [
    ['google.golang.org/grpc', '1.62.0', '1.62.1'],
    ['github.com/prometheus/client_golang', '1.18.0', '1.19.0'],
    ['golang.org/x/net', '0.21.0', '0.23.0'],
  ],
  python: [
    ['fastapi', '0.109.2', '0.110.0'],
    ['sqlalchemy', '2.0.27', '2.0.29'],
    ['pydantic', '2.6.1', '2.6.4'],
    ['httpx', '0.26.0', '0.27.0'],
  ],
};

const FEATURES = [
  'pagination for {c} listing',
  'idempotency keys on {c} writes',
  'request validation for {c} payloads',
  'metrics for {c} handler latency',
  'locale-aware formatting in {c}',
  'support for partial updates in {c}',
  'audit fields to {c} records',
];
const FIXES = [
  'handle empty {c} list without 500',
  'correct rounding in {c} totals',
  'null check when {c} has no owner',
  'return 404 instead of 500 for unknown {c}',
  'close response body in {c} client',
  'race in {c} cache warmup',
  'timezone of {c} timestamps',
];
const REFACTORS = [
  'extract {c} mapping into its own module',
  'simplify {c} error handling',
  'rename {c} DTOs for consistency',
  'remove dead {c} feature flag',
];

/** A plausible everyday commit to one service. */
export function routineCommit(spec: ServiceSpec, rng: Rng): CommitDraft {
  const c = rng.pick(spec.components);
  const src = sourceFile(spec, c, rng);
  const kind = rng.weighted([
    ['feat', 4],
    ['fix', 5],
    ['refactor', 2],
    ['deps', 2],
    ['test', 1],
    ['config', 1],
  ] as const);
  const fill = (t: string) => t.replace('{c}', c.replace(/-/g, ' '));
  switch (kind) {
    case 'feat':
      return { message: `feat(${c}): add ${fill(rng.pick(FEATURES))}`, files: [src, testFile(spec, c)] };
    case 'fix':
      return { message: `fix(${c}): ${fill(rng.pick(FIXES))}`, files: rng.chance(0.6) ? [src, testFile(spec, c)] : [src] };
    case 'refactor':
      return {
        message: `refactor(${c}): ${fill(rng.pick(REFACTORS))}`,
        files: [src, sourceFile(spec, c, rng)].filter((f, i, a) => a.indexOf(f) === i),
      };
    case 'deps': {
      const [lib, from, to] = rng.pick(DEPS[spec.lang]);
      return {
        message: `chore(deps): bump ${lib} from ${from} to ${to} in /services/${spec.name}`,
        files: BUILD_FILES[spec.lang].map((f) => `services/${spec.name}/${f}`),
      };
    }
    case 'test':
      return { message: `test(${c}): cover ${fill(rng.pick(FIXES)).replace(/^handle |^correct /, '')}`, files: [testFile(spec, c)] };
    default:
      return {
        message: `chore(config): ${rng.pick(['raise log level of', 'tune retry backoff for', 'add alert labels to', 'document settings of'])} ${c.replace(/-/g, ' ')}`,
        files: [`services/${spec.name}/config/${rng.pick(['production.yaml', 'application-prod.yaml', 'values-prod.yaml'])}`],
      };
  }
}

/** Repository-wide commits with no service: CI, docs, tooling. */
export function repoCommit(rng: Rng): CommitDraft {
  return rng.pick([
    { message: 'ci: cache build dependencies between jobs', files: ['.github/workflows/ci.yml'] },
    { message: 'docs: update on-call runbook links', files: ['docs/runbooks/README.md'] },
    { message: 'chore: bump base image to distroless 2024-02', files: ['build/Dockerfile.base'] },
    { message: 'ci: run contract tests on merge queue', files: ['.github/workflows/contract-tests.yml'] },
    { message: 'chore(renovate): group minor updates weekly', files: ['renovate.json'] },
    { message: 'docs(adr): ADR-031 outbox pattern for domain events', files: ['docs/adr/031-outbox.md'] },
    { message: 'chore: add CODEOWNERS for platform libs', files: ['.github/CODEOWNERS'] },
  ]);
}
