import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander, latencyAs, outcomeSplit } from './kit.js';

/**
 * 2026-05-12, a payroll and time-tracking SaaS. accrual-worker v2.9.0, shipped the evening before, recomputes a
 * tenant's leave balances in one transaction (autocommit off in its ORM session) and, when a chunk fails, keeps the
 * session for a later retry instead of rolling back. At 09:14 the database volume of hr-db stalls for four minutes;
 * the 09:00 accrual run's chunk hits its statement timeout and its session stays `idle in transaction (aborted)`,
 * still holding row locks on employee_balances. The stall ends, the lock does not: timesheet-api's approvals queue
 * behind it (`still waiting for ShareLock`, then `canceling statement due to lock timeout`) and answer 503 for the
 * next hour. The stall is the trigger, the lock held by the open transaction sustains the failure, and the change that
 * made the worker hold it is the cause. timesheet-api's own release at 08:58 (a pagination fix), a fix committed
 * after the onset and never deployed, and the other services' hum are noise.
 */
export function idleTransactionLock(): ScenarioOutput {
  const place = evalPlacement('39-idle-transaction-lock');
  const w = new World({
    name: 'idle-transaction-lock',
    description: 'A storage stall leaves a batch transaction open; its row locks keep approvals failing.',
    seed: '39-idle-transaction-lock',
    date: '2026-05-12',
    start: '04:40',
    now: '10:20',
    deploymentIds: { kind: 'seq', prefix: 'hrp-', first: 5120, width: 5 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const stall = at('09:14');
  const stuck = stall + 2 * MINUTE;

  const timesheets = w.service(
    app('timesheet-api', 'python', 'json', {
      version: 'v5.4.0',
      rps: 140,
      p95: 80,
      golden: false,
      endpoints: [
        { method: 'POST', path: '/v2/timesheets/{id}/approve', weight: 3, cost: 1.5 },
        { method: 'GET', path: '/v2/timesheets/{id}', weight: 6 },
        { method: 'GET', path: '/v2/approvals?page={id}', weight: 2, cost: 1.2 },
      ],
    }),
  );
  const accrual = w.service(app('accrual-worker', 'node', 'pino', { version: 'v2.8.3', rps: 4, p95: 200, accessPerMin: 0, golden: false }));
  const db = w.logSource('hr-db', 'postgres-session');
  outcomeSplit(w, timesheets, {
    metric: 'http_server_requests_total',
    labels: { service_name: 'timesheet-api', deployment_environment: 'prod' },
    ok: { http_response_status_code: '200' },
    error: { http_response_status_code: '503' },
    unit: 'requests',
    cumulative: true,
  });
  latencyAs(w, timesheets, 'http_server_request_duration_seconds_p95', { service_name: 'timesheet-api', deployment_environment: 'prod' });

  // The trigger: the database volume stalls (I/Os in flight pile up), then drains.
  w.series({
    metric: 'node_disk_io_now',
    tags: { job: 'node', instance: 'hr-db-0:9100', device: 'nvme1n1' },
    unit: 'ios',
    base: 3,
    jitter: 0.3,
    decimals: 0,
  }).level(stall, 160, { ramp: 1, until: stall + 4 * MINUTE, recover: 1 });
  // postgres_exporter: the longest open transaction per session state and application, and the locks waited on.
  const pg = { job: 'postgres', instance: 'hr-db-0:9187', datname: 'hr' };
  w.series({
    metric: 'pg_stat_activity_max_tx_duration',
    tags: { ...pg, state: 'idle in transaction (aborted)', usename: 'accrual', application_name: 'accrual-worker' },
    unit: 's',
    base: 0.4,
    jitter: 0.5,
    decimals: 1,
  }).shape(stall + MINUTE, w.now + MINUTE, (minutes) => 60 + minutes * 60);
  w.series({
    metric: 'pg_stat_activity_max_tx_duration',
    tags: { ...pg, state: 'active', usename: 'timesheet', application_name: 'timesheet-api' },
    unit: 's',
    base: 0.3,
    jitter: 0.4,
    decimals: 1,
  }).level(stuck, 4.6, { ramp: 1, jitter: 0.1 });
  w.series({ metric: 'pg_locks_count', tags: { ...pg, mode: 'sharelock' }, unit: 'locks', base: 2, jitter: 0.4, decimals: 0 }).level(
    stuck,
    55,
    {
      ramp: 2,
      jitter: 0.15,
    },
  );

  timesheets.errors.level(stuck, 14, { ramp: 2 });
  timesheets.latency.level(stuck, 5200, { ramp: 2 });
  timesheets.failuresLookLike(stuck, [503], ['/v2/timesheets/{id}/approve']);
  timesheets.every(stuck, w.now, 16, (r) => ({
    level: 'error',
    logger: 'timesheets.approvals',
    msg: `approve timesheet ts_${r.hex(8)} failed: psycopg.errors.LockNotAvailable: canceling statement due to lock timeout`,
    fields: { tenant: 't-2291', status: 503 },
  }));
  db.every(stuck, w.now, 16, (r) => ({
    level: 'error',
    msg: 'canceling statement due to lock timeout',
    fields: {
      user: 'timesheet',
      db: 'hr',
      app: 'timesheet-api',
      client: `10.40.${r.int(1, 9)}.${r.int(2, 250)}`,
      statement: 'UPDATE employee_balances SET pending_hours = pending_hours + $1 WHERE employee_id = $2',
    },
  }));
  db.every(stuck, w.now, 10, (r) => {
    const waiter = r.int(30000, 39999);
    return {
      level: 'info',
      msg: `process ${waiter} still waiting for ShareLock on transaction 88123401 after 1000.${r.int(100, 999)} ms`,
      fields: {
        user: 'timesheet',
        db: 'hr',
        app: 'timesheet-api',
        client: `10.40.${r.int(1, 9)}.${r.int(2, 250)}`,
        detail: `Process holding the lock: 21877. Wait queue: ${waiter}.`,
      },
    };
  });
  db.log(stall + 90_000, {
    level: 'error',
    msg: 'canceling statement due to statement timeout',
    fields: {
      user: 'accrual',
      db: 'hr',
      app: 'accrual-worker',
      client: '10.40.7.31',
      statement: 'UPDATE employee_balances SET accrued_hours = $1 WHERE employee_id = ANY($2)',
    },
  });
  accrual.log(stall + 91_000, {
    level: 'warn',
    msg: 'chunk 17/40 for tenant t-2291 failed (canceling statement due to statement timeout), tenant queued for retry on next tick',
  });
  accrual.cron(60, 0, (r) => ({ level: 'info', msg: `accrual run started: ${r.int(180, 240)} tenants` }));
  accrual.cron(60, 6, (r) => ({ level: 'info', msg: `accrual run finished in ${r.int(240, 420)}s` }));

  // The hum every day has: checkpoints, autovacuum, a client that went away, another tenant's warnings.
  db.every(w.start, w.now, 0.4, (r) => ({
    level: 'info',
    msg: `checkpoint complete: wrote ${r.int(300, 4000)} buffers (${r.int(1, 9)}.${r.int(0, 9)}%)`,
  }));
  db.every(w.start, w.now, 0.1, (r) => ({
    level: 'info',
    msg: `automatic vacuum of table "hr.public.timesheet_entries": index scans: ${r.int(0, 2)}`,
  }));
  db.every(w.start, w.now, 0.05, (r) => ({
    level: 'warn',
    msg: 'there is no transaction in progress',
    fields: { user: 'reporting', db: 'hr', app: 'metabase', client: `10.40.9.${r.int(2, 250)}` },
  }));
  db.every(w.start, w.now, 0.03, () => ({
    level: 'fatal',
    msg: 'terminating connection due to idle-session timeout',
    fields: { user: 'reporting', db: 'hr', app: 'metabase' },
  }));
  timesheets.every(w.start, w.now, 0.2, (r) => ({
    level: 'warn',
    logger: 'timesheets.export',
    msg: `payroll export for tenant t-${r.int(1000, 9999)} skipped ${r.int(1, 4)} entries with no cost centre`,
  }));
  bystander(w, 'benefits-portal', 'java', 'log4j', 'v8.0.2');
  bystander(w, 'payslip-renderer', 'go', 'cri', 'v1.12.0');
  bystander(w, 'leave-calendar', 'python', 'syslog5424', 'v2.3.1');
  const identity = bystander(w, 'sso-bridge', 'node', 'pino', 'v3.4.4');
  identity.every(w.start, w.now, 0.1, () => ({ level: 'warn', msg: 'SAML assertion clock skew of 2s accepted' }));

  w.history(at('16:00', -1));
  const oneTx = w.git.commit({
    at: at('15:20', -1),
    service: 'accrual-worker',
    author: 'Priya Raman',
    message: 'perf(accruals): recompute a tenant in one transaction (autocommit off), keep the session to retry failed chunks',
    files: ['accrual-worker/src/jobs/recompute.ts', 'accrual-worker/src/db/session.ts'],
  });
  const release = w.deploy({ at: at('17:40', -1), service: 'accrual-worker', version: 'v2.9.0', commits: [oneTx], by: 'github-actions' });
  const paginate = w.git.commit({
    at: at('08:20'),
    service: 'timesheet-api',
    message: 'fix(approvals): paginate the approvals list at 50 rows',
    files: ['timesheet-api/app/approvals/views.py'],
  });
  const morning = w.deploy({ at: at('08:58'), service: 'timesheet-api', version: 'v5.4.1', commits: [paginate], by: 'github-actions' });
  const fix = w.git.commit({
    at: at('09:52'),
    service: 'accrual-worker',
    message: 'fix(accruals): roll back and release the session when a chunk fails',
    files: ['accrual-worker/src/jobs/recompute.ts'],
  });

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'A storage stall leaves a batch transaction open; the locks it holds keep approvals failing',
      incident:
        'timesheet approvals returning 503 since ~09:15, the hr-db disk alert cleared at 09:18 but it is still failing. Was it the 08:58 timesheet-api release?',
      dataset: place.dataset,
      since: '5h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, oneTx.sha] },
        rootCauseKeywords: ['sustains', 'lock'],
        mustNot: { suspectIds: [morning.id, morning.version, fix.sha] },
        service: ['accrual-worker'],
      },
    },
  };
}
