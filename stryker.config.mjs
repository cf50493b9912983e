// Mutation testing over the modules where a silent mistake costs most (issue 30): `npm run mutation`.
// One module: `npm run mutation -- --mutate src/memory/score.ts`. Not part of `npm test` or CI; see docs/testing.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  // `related` runs only the test files that import a mutated module, so one module's run skips the whole suite.
  vitest: { configFile: 'vitest.config.ts', related: true },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  coverageAnalysis: 'perTest',
  incremental: true,
  // reports/ is git-ignored and never copied into a sandbox.
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // .tools/ (Prometheus, Alertmanager, journald from Debian) must reach the sandbox for the tests that spawn them, but its
  // config folders hold a directory symlink and dangling ones Stryker cannot copy, and Prometheus' web assets dangling
  // ones. Alertmanager's usr/share/prometheus/alertmanager (its templates) stays: without default.tmpl the test that
  // spawns the real Alertmanager fails the initial run; the rest of share/ is docs, man pages and web assets.
  // dist/ stays: CLI and e2e tests spawn it; they run the unmutated build, so per-test coverage never picks them for a mutant.
  ignorePatterns: [
    '/coverage',
    '/.bench-data',
    '/.state',
    '/.tools/journal/etc',
    '/.tools/journal/usr/lib/environment.d',
    '/.tools/prometheus/usr/share/**',
    '/.tools/journal/usr/share/**',
    '/.tools/alertmanager/usr/share/doc/**',
    '/.tools/alertmanager/usr/share/man/**',
    // PostgreSQL's doc folder holds links into packages not unpacked; usr/share/postgresql (time zones, catalogs) stays.
    '/.tools/postgresql/usr/share/doc/**',
    '/.tools/postgresql/usr/share/man/**',
  ],
  disableTypeChecks: '{src,mcp-servers,test}/**/*.ts',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  mutate: [
    'src/slack/policy/policy.ts',
    'src/slack/webhooks/http.ts',
    'src/slack/webhooks/schema.ts',
    'src/slack/webhooks/groups.ts',
    'src/redaction/*.ts',
    'src/report/screen.ts',
    'src/report/screen-patterns.ts',
    'src/engines/ollama/untrusted.ts',
    'src/store/sqlite.ts',
    'src/slack/worker/lifecycle.ts',
    'src/memory/score.ts',
    'src/engines/ollama/loop-guard.ts',
    'src/engines/ollama/text-tool-calls.ts',
    'mcp-servers/logs/reader/prefilter.ts',
    'mcp-servers/logs/reader/time-index.ts',
    'src/engines/builtin/significance.ts',
    'src/engines/builtin/quiet.ts',
    'mcp-servers/metrics/analysis/exhaustion.ts',
  ],
};
