import type { Rng } from '../prng.js';
import type { ServiceSpec } from '../service.js';
import { DAY, iso, MINUTE } from '../time.js';
import { repoCommit, routineCommit } from './templates.js';

/** git/commits.json and git/deployments.json, built as a scenario tells its story. */

export interface CommitOut {
  sha: string;
  author: string;
  date: string;
  message: string;
  files?: string[];
  service?: string;
}

export interface DeploymentOut {
  id: string;
  service: string;
  version: string;
  environment: string;
  status: string;
  deployed_at: string;
  deployed_by?: string;
  commits?: string[];
  description?: string;
}

/** How a team's CD system names deployments; ids are assigned in time order when the history is finished. */
export type IdStyle = { kind: 'seq'; prefix: string; first: number; width: number } | { kind: 'dated'; prefix: string };

const AUTHORS = [
  'Priya Raman',
  'Daniel Okafor',
  'Marta Kowalska',
  'Kenji Watanabe',
  'Sofia Alvarez',
  'Liam O’Connell',
  'Aisha Bello',
  'Tom Becker',
  'Chen Wei',
  'Hannah Schmidt',
  'Rafael Costa',
  'Nora Lindqvist',
];

function previousVersion(version: string, rng: Rng): string {
  const m = /^(v?)(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m) throw new Error(`version ${version} is not semver`);
  const [, v, major, minor, patch] = m;
  if (Number(patch) > 0) return `${v}${major}.${minor}.${Number(patch) - 1}`;
  if (Number(minor) > 0) return `${v}${major}.${Number(minor) - 1}.${rng.int(2, 6)}`;
  return `${v}${Number(major) - 1}.${rng.int(3, 9)}.${rng.int(0, 4)}`;
}

interface PendingDeploy {
  out: DeploymentOut;
  at: number;
}

export class GitHistory {
  private readonly commits: { out: CommitOut; at: number }[] = [];
  private readonly deploys: PendingDeploy[] = [];
  readonly authors: string[];

  constructor(
    private readonly rng: Rng,
    private readonly idStyle: IdStyle,
  ) {
    this.authors = AUTHORS.slice();
  }

  commit(c: { at: number; message: string; files?: string[]; service?: string; author?: string }): CommitOut {
    const out: CommitOut = {
      sha: this.rng.hex(40),
      author: c.author ?? this.rng.pick(this.authors),
      date: iso(c.at),
      message: c.message,
      ...(c.files ? { files: c.files } : {}),
      ...(c.service ? { service: c.service } : {}),
    };
    this.commits.push({ out, at: c.at });
    return out;
  }

  deploy(d: {
    at: number;
    service: string;
    version: string;
    commits?: CommitOut[];
    by?: string;
    status?: string;
    environment?: string;
    description?: string;
  }): DeploymentOut {
    const out: DeploymentOut = {
      id: '(assigned on finish)',
      service: d.service,
      version: d.version,
      environment: d.environment ?? 'production',
      status: d.status ?? 'succeeded',
      deployed_at: iso(d.at),
      ...(d.by ? { deployed_by: d.by } : {}),
      ...(d.commits ? { commits: d.commits.map((c) => c.sha) } : {}),
      ...(d.description ? { description: d.description } : {}),
    };
    this.deploys.push({ out, at: d.at });
    return out;
  }

  /**
   * Routine history before the story starts: commits on workdays, a production deploy every day or two per
   * service (with a staging deploy shortly before), versions counting up to each service's current version.
   */
  background(services: ServiceSpec[], from: number, until: number): void {
    for (const spec of services) {
      const rng = this.rng.fork(`bg/${spec.name}`);
      const pending: CommitOut[] = [];
      const releases: { at: number; commits: CommitOut[] }[] = [];
      for (let day = from - (from % DAY); day < until; day += DAY) {
        const weekend = [0, 6].includes(new Date(day).getUTCDay());
        const commitTimes = Array.from({ length: rng.poisson(weekend ? 0.15 : 1.4) }, () => day + rng.int(8 * 60 + 30, 18 * 60) * MINUTE)
          .filter((t) => t > from && t < until)
          .sort((a, b) => a - b);
        const deployAt = weekend || !rng.chance(0.6) ? undefined : day + rng.int(10 * 60, 17 * 60) * MINUTE;
        for (const t of commitTimes) {
          if (deployAt !== undefined && t > deployAt - 20 * MINUTE && t < deployAt) continue;
          const draft = routineCommit(spec, rng);
          const author = draft.message.startsWith('chore(deps)') ? 'dependabot[bot]' : undefined;
          const c = this.commit({ at: t, ...draft, service: spec.name, ...(author ? { author } : {}) });
          pending.push(c);
        }
        if (deployAt !== undefined && deployAt < until) {
          const shipped = pending.filter((c) => Date.parse(c.date) < deployAt);
          if (shipped.length > 0) {
            releases.push({ at: deployAt, commits: shipped });
            pending.splice(0, pending.length, ...pending.filter((c) => !shipped.includes(c)));
          }
        }
      }
      let version = spec.version;
      const versions = releases.map(() => '');
      for (let i = releases.length - 1; i >= 0; i--) {
        versions[i] = version;
        version = previousVersion(version, rng);
      }
      releases.forEach((rel, i) => {
        const v = versions[i] ?? spec.version;
        const by = rng.pick(['argocd', 'github-actions', rng.pick(this.authors)]);
        const first = rel.commits[0]?.message ?? 'maintenance';
        this.deploy({
          at: rel.at - rng.int(25, 90) * MINUTE,
          service: spec.name,
          version: v,
          environment: 'staging',
          commits: rel.commits,
          by,
        });
        this.deploy({
          at: rel.at,
          service: spec.name,
          version: v,
          commits: rel.commits,
          by,
          description: rel.commits.length > 1 ? `${first} (+${rel.commits.length - 1} more)` : first,
        });
      });
    }
    const shared = this.rng.fork('bg/repo');
    for (let day = from - (from % DAY); day < until; day += DAY) {
      for (let i = shared.poisson(0.6); i > 0; i--) {
        const t = day + shared.int(9 * 60, 18 * 60) * MINUTE;
        if (t > from && t < until) this.commit({ at: t, ...repoCommit(shared) });
      }
    }
  }

  /** Assigns deployment ids in time order and returns both files' contents, newest first like `git log`. */
  finish(): { commits: CommitOut[]; deployments: DeploymentOut[] } {
    const deploys = this.deploys.slice().sort((a, b) => a.at - b.at);
    const perDay = new Map<string, number>();
    deploys.forEach((d, i) => {
      const style = this.idStyle;
      if (style.kind === 'seq') {
        d.out.id = `${style.prefix}${String(style.first + i).padStart(style.width, '0')}`;
      } else {
        const day = iso(d.at).slice(0, 10).replace(/-/g, '');
        const n = (perDay.get(day) ?? 0) + 1;
        perDay.set(day, n);
        d.out.id = `${style.prefix}${day}-${String(n).padStart(2, '0')}`;
      }
    });
    return {
      commits: this.commits
        .slice()
        .sort((a, b) => b.at - a.at)
        .map((c) => c.out),
      deployments: deploys.reverse().map((d) => d.out),
    };
  }
}
