// Run ids: a hash of the canonical form of a spec's non-default fields (plus the schema version), so a
// field added later with a neutral default keeps every old id. Pinned by a golden test.
import { createHash } from 'node:crypto';
import { canonicalSpecString, type RunSpec } from '../../common/spec';

export const RUN_ID_LENGTH = 16;

export function runIdOf(spec: RunSpec): string {
  return createHash('sha256').update(canonicalSpecString(spec)).digest('hex').slice(0, RUN_ID_LENGTH);
}

/** An experiment's id: the hash of its member run ids (order-free), so the same grid is the same experiment. */
export function experimentIdOf(runIds: string[]): string {
  return createHash('sha256').update(JSON.stringify(['experiment', 1, [...runIds].sort()])).digest('hex').slice(0, RUN_ID_LENGTH);
}

/**
 * Content key of a run's dense training (round 0): everything that determines it — data, net, seed (hence
 * init and data order), training settings — and the resolved backend, so CPU and GPU results never mix.
 * Runs with the same key train round 0 once and reuse the stored w_0/w_f.
 */
export function trainingKeyOf(spec: RunSpec, resolvedBackend: string): string {
  const parts = { v: 1, net: spec.net, dataset: spec.dataset, seed: spec.seed, training: spec.training, backend: resolvedBackend };
  return createHash('sha256').update(canonicalJson(parts)).digest('hex').slice(0, 24);
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
