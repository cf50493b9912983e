import type { Container, EnvVar, PodTemplate } from '../kube-types.js';
import type { TemplateChange } from '../schemas.js';

const RESOURCE_FIELDS = [
  ['limits', 'memory'],
  ['limits', 'cpu'],
  ['requests', 'memory'],
  ['requests', 'cpu'],
] as const;

export function imagesOf(template: PodTemplate | undefined): string[] {
  return (template?.spec?.containers ?? []).map((c) => c.image ?? '').filter(Boolean);
}

function envSignature(env: EnvVar): string {
  return JSON.stringify([env.value ?? null, env.valueFrom ?? null]);
}

/**
 * What changed between two pod templates, per container: image, memory/CPU limits and requests, command, and env
 * variables by name only (an env value may be a credential, so it is never shown).
 */
export function diffTemplates(before: PodTemplate | undefined, after: PodTemplate | undefined): TemplateChange[] {
  const changes: TemplateChange[] = [];
  const old = new Map<string, Container>((before?.spec?.containers ?? []).map((c) => [c.name, c]));
  const now = new Map<string, Container>((after?.spec?.containers ?? []).map((c) => [c.name, c]));
  for (const [name, container] of now) {
    const previous = old.get(name);
    if (!previous) {
      changes.push({ container: name, field: 'container', before: null, after: 'added' });
      continue;
    }
    if ((previous.image ?? null) !== (container.image ?? null))
      changes.push({ container: name, field: 'image', before: previous.image ?? null, after: container.image ?? null });
    for (const [group, resource] of RESOURCE_FIELDS) {
      const a = previous.resources?.[group]?.[resource] ?? null;
      const b = container.resources?.[group]?.[resource] ?? null;
      if (a !== b) changes.push({ container: name, field: `${group}.${resource}`, before: a, after: b });
    }
    if (
      JSON.stringify([previous.command ?? null, previous.args ?? null]) !==
      JSON.stringify([container.command ?? null, container.args ?? null])
    )
      changes.push({ container: name, field: 'command', before: 'changed', after: 'changed' });
    const oldEnv = new Map((previous.env ?? []).map((e) => [e.name, envSignature(e)]));
    const newEnv = new Map((container.env ?? []).map((e) => [e.name, envSignature(e)]));
    for (const [envName, signature] of newEnv) {
      const was = oldEnv.get(envName);
      if (was === undefined) changes.push({ container: name, field: `env ${envName}`, before: 'unset', after: 'set' });
      else if (was !== signature) changes.push({ container: name, field: `env ${envName}`, before: 'set', after: 'changed' });
    }
    for (const envName of oldEnv.keys())
      if (!newEnv.has(envName)) changes.push({ container: name, field: `env ${envName}`, before: 'set', after: 'unset' });
  }
  for (const name of old.keys())
    if (!now.has(name)) changes.push({ container: name, field: 'container', before: 'present', after: 'removed' });
  return changes;
}

/** Two templates run the same thing: same containers, images, resources, commands and env. */
export function sameTemplate(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return diffTemplates(a, b).length === 0 && diffTemplates(b, a).length === 0;
}
