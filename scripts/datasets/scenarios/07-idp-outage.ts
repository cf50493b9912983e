import { everydayNoise, preset } from '../fleet.js';
import { authEvents, clientClosed } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';

/**
 * Tuesday 2024-07-02, early European morning. From 08:41 the external identity provider
 * (login.idp-partner.example) answers 503 to token exchanges: SSO logins fail, password logins work.
 * The provider answers fast, so latency does not move, only errors do. auth-service itself deployed at
 * 08:12 (remember-last-SSO-provider) and cart-service at 08:35: both innocent.
 */
export function idpOutage(): ScenarioOutput {
  const place = evalPlacement('07-idp-outage');
  const w = new World({
    name: 'idp-outage',
    description: 'Identity provider outage: OIDC token exchanges return 503.',
    seed: '07-idp-outage',
    date: '2024-07-02',
    start: '03:00',
    now: '09:15',
    deploymentIds: { kind: 'seq', prefix: 'deploy-', first: 3391, width: 4 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const onset = at('08:41');

  const gateway = w.service(preset('api-gateway', { version: 'v1.38.0', rps: 150, accessPerMin: 2.5 }));
  const auth = w.service({
    name: 'auth-service',
    lang: 'python',
    format: 'json',
    rps: 24,
    p95: 240,
    errorPct: 0.1,
    cpu: 19,
    accessPerMin: 2.5,
    components: ['sso', 'login', 'tokens'],
    version: 'v4.2.6',
    rotateAt: at('06:00'),
    rotateGzip: true,
    endpoints: [
      { method: 'GET', path: '/oauth/callback?code={uuid}', weight: 4, cost: 1.3 },
      { method: 'POST', path: '/v1/login/sso', weight: 3 },
      { method: 'POST', path: '/v1/login/password', weight: 3, cost: 0.9 },
      { method: 'POST', path: '/v1/tokens/refresh', weight: 6, cost: 0.2 },
    ],
  });
  const users = w.service(preset('user-service', { version: 'v3.15.1', rps: 50 }));
  const cart = w.service(preset('cart-service', { version: 'v3.6.0', rps: 40 }));
  const orders = w.service(preset('order-service', { version: 'v7.6.1', format: 'plain', rps: 20 }));

  w.history();
  const remember = w.git.commit({
    at: at('16:30', -1),
    author: 'Hannah Schmidt',
    service: 'auth-service',
    message: 'feat(login): remember the last used SSO provider',
    files: ['services/auth-service/app/sso/routes.py', 'services/auth-service/app/sso/schemas.py'],
  });
  const cartFix = w.git.commit({
    at: at('07:58'),
    service: 'cart-service',
    message: 'fix(session): keep cart when guest signs in',
    files: ['services/cart-service/src/session/merge.ts'],
  });
  w.deploy({ at: at('07:40'), service: 'auth-service', version: 'v4.3.0', commits: [remember], environment: 'staging', by: 'argocd' });
  const authDeploy = w.deploy({
    at: at('08:12'),
    service: 'auth-service',
    version: 'v4.3.0',
    commits: [remember],
    by: 'Hannah Schmidt',
    description: remember.message,
  });
  const cartDeploy = w.deploy({
    at: at('08:35'),
    service: 'cart-service',
    version: 'v3.6.1',
    commits: [cartFix],
    by: 'argocd',
    description: cartFix.message,
  });

  const idp = 'login.idp-partner.example';
  w.series({
    metric: 'upstream_latency_ms',
    tags: { service: 'auth-service', upstream: idp },
    unit: 'ms',
    base: 190,
    diurnal: 0.1,
    jitter: 0.1,
    decimals: 0,
  }).level(onset, 45, { ramp: 1, jitter: 0.2 });
  w.series({
    metric: 'upstream_error_rate',
    tags: { service: 'auth-service', upstream: idp },
    unit: '%',
    base: 0.2,
    jitter: 0.5,
    decimals: 2,
    max: 100,
  }).level(onset, 97, { ramp: 1, jitter: 0.01 });
  w.series({
    metric: 'login_success_rate',
    tags: { service: 'auth-service' },
    unit: '%',
    base: 96.5,
    jitter: 0.005,
    decimals: 1,
    max: 100,
  }).level(onset, 54, { ramp: 2, jitter: 0.04 });
  auth.errors.level(onset, 41, { ramp: 2, jitter: 0.05 });
  auth.failuresLookLike(onset, [502, 503], ['/oauth/callback?code={uuid}', '/v1/login/sso']);
  gateway.errors.level(onset + MINUTE, 3.2, { ramp: 2, jitter: 0.1 });

  for (const svc of [gateway, users, cart, orders]) everydayNoise(svc);
  authEvents(auth, 1);
  clientClosed(auth, 1);
  auth.cron(15, 2, (r) => ({
    level: 'info',
    logger: 'app.sso.jwks',
    msg: `JWKS refreshed from https://${idp}/.well-known/jwks.json`,
    fields: { keys: 3, took_ms: r.int(60, 220) },
  }));
  auth.every(w.start, w.now, 2 / 60, () => ({
    level: 'warn',
    logger: 'app.sso.client',
    msg: `OIDC state mismatch on callback, restarting login (browser back button?)`,
  }));
  auth.every(w.start, w.now, 0.7 / 60, (r) => ({
    level: 'error',
    logger: 'app.login.password',
    msg: `account locked after ${r.int(5, 9)} failed attempts`,
    fields: { user_id: `u_${r.int(100000, 999999)}` },
  }));
  auth.every(onset, w.now, 9, (r) => ({
    level: 'error',
    logger: 'app.sso.client',
    msg: `OIDC token exchange failed: 503 Service Unavailable from https://${idp}/oauth2/token`,
    fields: { provider: 'idp-partner', attempt: r.int(1, 2), took_ms: r.int(20, 80) },
  }));
  auth.cron(15, 2, (r, t) =>
    t > onset
      ? {
          level: 'warn',
          logger: 'app.sso.jwks',
          msg: `JWKS refresh failed for https://${idp}/.well-known/jwks.json: 503, using cached keys (age ${r.int(900, 1800)}s)`,
        }
      : { level: 'debug', logger: 'app.sso.jwks', msg: 'JWKS cache ok' },
  );
  gateway.every(onset, w.now, 2, () => ({
    level: 'error',
    msg: 'upstream returned error',
    fields: { upstream: 'auth-service', path: '/oauth/callback', status: 502 },
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Upstream outage: identity provider returns 503, SSO logins fail',
      incident: 'Users cannot log in with SSO since about 08:40, password login seems fine',
      dataset: place.dataset,
      since: '3h',
      expect: {
        suspect: { kind: ['dependency'] },
        rootCauseKeywords: ['idp', 'identity provider', 'upstream'],
        mustNot: {
          suspectIds: [authDeploy.id, authDeploy.version, remember.sha, cartDeploy.id, cartDeploy.version],
          suspectKinds: ['deployment', 'commit'],
        },
      },
    },
  };
}
