import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CULPRIT_TAG, HOUR, INNOCENT_TAG, MIN, type Timeline } from './scenario.js';

/**
 * A real monorepo (services/<name>/…) with two days of history: commits by several people across three services,
 * annotated release tags per service (`<service>/vX.Y.Z`, tagger date = release time), the culprit release of
 * checkout-api 80 minutes before now and an innocent payment-service release 65 minutes before now.
 * History is linear, as in most monorepos, so `git log <previous tag>..<tag>` of either release also spans the other
 * teams' commits in between: the innocent release's range contains the culprit's commits. Telling the two apart is
 * what per-service tags are for.
 */

export interface BuiltRepo {
  dir: string;
  /** Full shas of the commits the culprit release shipped that cause the incident. */
  culpritCommits: { holdConnection: string; poolSize: string };
  /** The innocent release's own commit. */
  innocentCommit: string;
}

class Repo {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  git(args: string[], at: number, who = 'Release Bot'): string {
    const date = `@${Math.floor(at / 1000)} +0000`;
    return execFileSync(
      'git',
      ['-c', `user.name=${who}`, '-c', `user.email=${who.toLowerCase().replace(/\W+/g, '.')}@example.com`, ...args],
      {
        cwd: this.dir,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: this.dir,
          GIT_AUTHOR_DATE: date,
          GIT_COMMITTER_DATE: date,
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
          GIT_TERMINAL_PROMPT: '0',
        },
      },
    );
  }

  commit(at: number, author: string, message: string, files: Record<string, string>): string {
    for (const [file, content] of Object.entries(files)) {
      const full = path.join(this.dir, file);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
    this.git(['add', '-A'], at, author);
    this.git(['commit', '-q', '-m', message], at, author);
    return this.git(['rev-parse', 'HEAD'], at).trim();
  }

  tag(at: number, name: string, message: string): void {
    this.git(['tag', '-a', name, '-m', message], at, 'Release Bot');
  }
}

const CO = 'services/checkout-api';
const PAY = 'services/payment-service';
const INV = 'services/inventory-service';
const CO_JAVA = `${CO}/src/main/java/com/shop/checkout`;

function applicationYaml(poolSize: number): string {
  return [
    'server:',
    '  port: 8080',
    'spring:',
    '  datasource:',
    '    url: jdbc:postgresql://orders-db:5432/orders',
    '    hikari:',
    `      maximum-pool-size: ${poolSize}`,
    '      connection-timeout: 30000',
    '      leak-detection-threshold: 0',
    '',
  ].join('\n');
}

export function buildRepo(dir: string, t: Timeline): BuiltRepo {
  const repo = new Repo(dir);
  const ago = (ms: number) => t.now - ms;
  repo.git(['init', '-q', '-b', 'main'], ago(50 * HOUR));

  repo.commit(ago(50 * HOUR), 'Daniel Okafor', 'Import checkout, payment and inventory services', {
    'README.md': '# shop\n\nMonorepo of the shop backend.\n',
    [`${CO}/config/application.yaml`]: applicationYaml(30),
    [`${CO_JAVA}/CheckoutService.java`]: 'class CheckoutService {\n  Order place(Cart cart) { return orders.save(cart); }\n}\n',
    [`${CO_JAVA}/StockVerifier.java`]:
      'class StockVerifier {\n  boolean verify(Cart cart) { return inventory.reserveAll(cart.items()); }\n}\n',
    [`${CO}/pom.xml`]: '<project><artifactId>checkout-api</artifactId><version>2.3.0</version></project>\n',
    [`${PAY}/src/charges.ts`]: 'export async function charge(amount: number) {\n  return stripe.charges.create({ amount });\n}\n',
    [`${PAY}/package.json`]: '{ "name": "payment-service", "version": "1.7.0" }\n',
    [`${INV}/app/stock.py`]: 'def reserve_all(items):\n    return [reserve(i) for i in items]\n',
    [`${INV}/requirements.txt`]: 'fastapi==0.110.0\nsqlalchemy==2.0.29\n',
  });
  repo.tag(ago(49 * HOUR), 'checkout-api/v2.3.0', 'Release v2.3.0');
  repo.tag(ago(49 * HOUR), 'payment-service/v1.7.0', 'Release v1.7.0');
  repo.tag(ago(49 * HOUR), 'inventory-service/v3.1.0', 'Release v3.1.0');

  repo.commit(ago(40 * HOUR), 'Amira Haddad', 'feat(cart): merge guest cart into the signed-in cart', {
    [`${CO_JAVA}/cart/CartMergeService.java`]:
      'class CartMergeService {\n  Cart merge(Cart guest, Cart user) { return user.addAll(guest); }\n}\n',
  });
  repo.commit(ago(36 * HOUR), 'Li Wei', 'feat(sync): warehouse sync in batches of 500 records', {
    [`${INV}/app/jobs/warehouse_sync.py`]: 'BATCH = 500\n\ndef run():\n    for batch in chunks(fetch(), BATCH):\n        upsert(batch)\n',
  });
  repo.tag(ago(34 * HOUR), 'checkout-api/v2.4.0', 'Release v2.4.0: guest cart merge');
  repo.commit(ago(30 * HOUR), 'Sofia Alvarez', 'fix(webhooks): verify the Stripe signature before parsing the body', {
    [`${PAY}/src/webhooks.ts`]:
      'export function handle(raw: Buffer, sig: string) {\n  verify(raw, sig);\n  return JSON.parse(raw.toString());\n}\n',
  });
  repo.tag(ago(28 * HOUR), 'payment-service/v1.8.0', 'Release v1.8.0: webhook signature check');
  repo.commit(ago(22 * HOUR), 'dependabot[bot]', 'chore(deps): bump sqlalchemy from 2.0.29 to 2.0.30 in /services/inventory-service', {
    [`${INV}/requirements.txt`]: 'fastapi==0.110.0\nsqlalchemy==2.0.30\n',
  });
  repo.tag(ago(20 * HOUR), 'inventory-service/v3.2.0', 'Release v3.2.0: dependency updates');

  // The culprit's commits, interleaved with other teams' work as in any monorepo.
  const holdConnection = repo.commit(
    ago(5 * HOUR),
    'Daniel Okafor',
    'perf(checkout): hold DB connection during per-item stock check\n\n' +
      'Verify stock for every cart item inside the checkout transaction, so a reservation cannot race the order\n' +
      'insert. The JDBC connection stays checked out while each item is checked against inventory-service.',
    {
      [`${CO_JAVA}/CheckoutService.java`]:
        'class CheckoutService {\n  @Transactional\n  Order place(Cart cart) {\n    for (Item item : cart.items()) stockVerifier.verify(item);\n    return orders.save(cart);\n  }\n}\n',
      [`${CO_JAVA}/StockVerifier.java`]:
        'class StockVerifier {\n  boolean verify(Item item) { return inventory.reserve(item.sku(), item.quantity()); }\n}\n',
    },
  );
  repo.commit(ago(4 * HOUR + 30 * MIN), 'Sofia Alvarez', 'feat(refunds): partial refunds endpoint', {
    [`${PAY}/src/refunds/partial.ts`]:
      'export async function refundPartial(charge: string, amount: number) {\n  return stripe.refunds.create({ charge, amount });\n}\n',
  });
  const poolSize = repo.commit(ago(4 * HOUR), 'Marta Kowalska', 'config(checkout): raise DB pool size from 30 to 35 for the spring promo', {
    [`${CO}/config/application.yaml`]: applicationYaml(35),
  });
  repo.commit(ago(3 * HOUR + 30 * MIN), 'Li Wei', 'docs(inventory): document the stock reservation API', {
    [`${INV}/README.md`]: '# inventory-service\n\nPOST /internal/stock/{sku}/reserve reserves stock for an order.\n',
  });
  repo.commit(ago(3 * HOUR), 'Sofia Alvarez', 'feat(refunds): include the refund reason in webhook payloads', {
    [`${PAY}/src/webhooks.ts`]:
      'export function handle(raw: Buffer, sig: string) {\n  verify(raw, sig);\n  const event = JSON.parse(raw.toString());\n  return { ...event, reason: event.data?.reason ?? null };\n}\n',
  });
  repo.tag(t.culpritDeployAt, CULPRIT_TAG, 'Release v2.4.1: per-item stock verification at checkout; DB pool 30 -> 35');

  const innocentCommit = repo.commit(ago(70 * MIN), 'Sofia Alvarez', 'fix(refunds): round partial refund amounts to minor currency units', {
    [`${PAY}/src/refunds/partial.ts`]:
      'export async function refundPartial(charge: string, amount: number) {\n  return stripe.refunds.create({ charge, amount: Math.round(amount * 100) });\n}\n',
  });
  repo.tag(t.innocentDeployAt, INNOCENT_TAG, 'Release v1.9.0: partial refunds');

  // Work after the onset that no release shipped yet.
  repo.commit(ago(20 * MIN), 'Li Wei', 'test(inventory): cover reservation expiry', {
    [`${INV}/tests/test_stock.py`]: 'def test_reservation_expires():\n    assert expire(reserve("SKU-1", 1)) is None\n',
  });
  return { dir, culpritCommits: { holdConnection, poolSize }, innocentCommit };
}
