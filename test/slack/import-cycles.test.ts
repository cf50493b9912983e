import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The Slack modules form no import cycle, type-only imports included: shared types live at the bottom
 * (src/slack/logger.ts, the interfaces a module needs of its caller), so the policy, the worker and the listeners
 * can each be read and tested without the others.
 */
const ROOT = path.resolve(import.meta.dirname, '../../src/slack');
const IMPORT = /^(?:import|export)[^;]*?from\s+'(\.[^']+)'/gms;

function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) {
        const targets = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) =>
          path.resolve(dir, (match[1] ?? '').replace(/\.js$/, '.ts')),
        );
        edges.set(
          file,
          targets.filter((target) => target.startsWith(ROOT)),
        );
      }
    }
  };
  walk(ROOT);
  return edges;
}

/** One cycle reachable from `start`, as the list of files on it, or undefined. */
function cycleFrom(start: string, edges: Map<string, string[]>): string[] | undefined {
  const stack: string[] = [];
  const done = new Set<string>();
  const visit = (file: string): string[] | undefined => {
    const at = stack.indexOf(file);
    if (at >= 0) return [...stack.slice(at), file];
    if (done.has(file)) return undefined;
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    done.add(file);
    return undefined;
  };
  return visit(start);
}

describe('src/slack import graph', () => {
  it('has no cycles', () => {
    const edges = graph();
    expect(edges.size).toBeGreaterThan(40);
    const cycles = [...edges.keys()].map((file) => cycleFrom(file, edges)).filter((cycle) => cycle !== undefined);
    expect(cycles.map((cycle) => cycle.map((file) => path.relative(ROOT, file)).join(' → '))).toEqual([]);
  });
});
