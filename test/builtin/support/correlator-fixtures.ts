import type { ScoredChange } from '../../../src/engines/builtin/changes.js';
import type { Symptom } from '../../../src/engines/builtin/symptoms.js';

/** A deployment as the change scorer hands it to the correlator's later rules: linked to its service only. */
export function scoredDeployment(id: string, service: string, at: string, text: string, score: number): ScoredChange {
  return {
    change: { kind: 'deployment', id, service, at, text, files: [], commits: [], declaredCommits: [], callId: 'T2', needles: [] },
    score,
    timeFactor: 1,
    serviceFactor: 1,
    overlap: 0,
    overlapNorm: 0,
    shared: [],
    afterOnset: false,
    touches: [service],
    coverage: 1,
    links: ['service'],
  };
}

/** A log signature new since the onset (none before, 900 after), cited from call T3. */
export function novelSymptom(signature: string, services: string[], example = signature): Symptom {
  return { signature, example, services, before: 0, after: 900, growth: 100, novel: true, score: 5, firstSeen: null, callId: 'T3' };
}
