// Run-time estimates for the wizard's review step, from a short measured benchmark of the net on this
// machine's active backend (measure.ts), scaled to the spec's iterations, evaluations and rounds.
import type { RunSpec } from '../../common/spec';
import { DATASETS } from '../data/datasets';
import { defaultValidationSize } from '../data/load';
import type { SpeedMeasurement } from './measure';

export interface Estimate {
  backend: string;
  secondsPerIteration: number;
  secondsPerEval: number;
  totalSeconds: number;
  measured: boolean;
  note: string;
}

/** Images one evaluation reads: the validation split plus the test split. */
export function evalImages(spec: RunSpec): number {
  const info = DATASETS[spec.dataset.id];
  const validation = spec.dataset.validation ?? defaultValidationSize(spec.dataset.id, info.trainSize);
  const test = Math.min(spec.dataset.testLimit ?? info.testSize, info.testSize);
  return validation + test;
}

export function evaluationsPerRound(spec: RunSpec): number {
  const { iterations, evalEvery } = spec.training;
  return Math.floor(iterations / evalEvery) + (iterations % evalEvery === 0 ? 0 : 1);
}

export function estimateFromSpeed(spec: RunSpec, speed: SpeedMeasurement, source: string): Estimate {
  const perIt = speed.secondsPerStep * (spec.training.batchSize / speed.batchSize);
  const perEval = speed.secondsPerEvalImage * evalImages(spec);
  const perRound = spec.training.iterations * perIt + evaluationsPerRound(spec) * perEval;
  const total = perRound * spec.pruning.rounds;
  const gpuNote = speed.backend === 'tensorflow-gpu' ? '' : spec.net !== 'fc' ? ' Paper-length conv studies need a GPU backend.' : '';
  return {
    backend: speed.backend,
    secondsPerIteration: perIt,
    secondsPerEval: perEval,
    totalSeconds: total,
    measured: true,
    note: `${source} on the ${speed.backend} backend: ${(1 / perIt).toFixed(0)} it/s, ${perEval.toFixed(1)} s per evaluation.${gpuNote}`,
  };
}
