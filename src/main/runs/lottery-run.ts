// The lottery-ticket loop of one run (SCIENCE.md §2), executed inside a trainer worker thread.
// train → criterion → mask-1 → mask-0 → repeat; or one-shot from the single dense training.
// Everything it produces is posted to the parent, which stores it; this module never touches SQLite.
import * as tf from '@tensorflow/tfjs-core';
import { NETS, kernelSize, type NetDef } from '../../common/nets';
import type { RunSpec } from '../../common/spec';
import type { RoundSummary, LayerCount } from '../../common/contract';
import { initNet } from '../science/init';
import { lotteryStep, oneShotTargets } from '../science/lottery';
import { percentRemaining } from '../science/prune';
import { loadDataset } from '../data/load';
import { stageData, Trainer, earlyStop, assertNoLeak, type StagedData } from '../engine/trainer';
import type { ResumeState, TensorRecord, WorkerMessage } from './messages';

export interface RunContext {
  runId: string;
  spec: RunSpec;
  resume?: ResumeState;
  post: (msg: WorkerMessage, transfer?: ArrayBuffer[]) => void;
  shouldStop: () => boolean;
}

/** Staged data is cached per dataset identity so consecutive runs in one worker stage it once. */
let stagedCache: { key: string; data: StagedData } | null = null;

function stagedFor(spec: RunSpec): StagedData {
  const seedMatters = spec.dataset.id === 'cifar10'; // the CIFAR validation split is seeded
  const key = JSON.stringify({ ...spec.dataset, seed: seedMatters ? spec.seed : 0 });
  if (stagedCache?.key === key) return stagedCache.data;
  stagedCache?.data.dispose();
  stagedCache = null;
  const loaded = loadDataset(spec.dataset, spec.seed);
  const data = stageData(loaded);
  stagedCache = { key, data };
  return data;
}

export function disposeStagedCache(): void {
  stagedCache?.data.dispose();
  stagedCache = null;
}

function layerCounts(net: NetDef, masks: Uint8Array[]): LayerCount[] {
  return net.layers.map((l, i) => {
    let alive = 0;
    const m = masks[i];
    for (let j = 0; j < m.length; j++) alive += m[j];
    return { name: l.name, kind: l.kind, total: kernelSize(l), alive };
  });
}

function ones(n: number): Uint8Array {
  return new Uint8Array(n).fill(1);
}

/** Runs the LT loop from the first round not yet completed. Resolves when done or stopped. */
export async function runLottery(ctx: RunContext): Promise<'completed' | 'cancelled'> {
  const { spec, runId, post } = ctx;
  const net = NETS[spec.net];
  const { kernels: w0 } = initNet(net, spec.seed);
  const zeroBiases = () => net.layers.map((l) => new Float32Array(l.biasSize));

  const data = stagedFor(spec);
  const trainer = new Trainer(net, data, spec.training);
  try {
    // State of the round about to be trained.
    let masks: Uint8Array[];
    let wStart: Float32Array[];
    let trainable: Uint8Array[];
    let denseWF: Float32Array[] | undefined;
    let firstRound: number;

    const advance = (round: number, wi: Float32Array[], wf: Float32Array[], mask: Uint8Array[]) => {
      const oneShot = spec.pruning.mode === 'one_shot';
      const next = lotteryStep(
        net.layers.map((l, i) => ({
          name: l.name,
          kind: l.kind,
          w0: w0[i],
          wi: oneShot ? w0[i] : wi[i],
          wf: oneShot ? denseWF![i] : wf[i],
          mask: oneShot ? ones(w0[i].length) : mask[i],
        })),
        {
          seed: spec.seed,
          round,
          rates: spec.pruning.rates,
          criterion: spec.pruning.criterion,
          mask1: spec.pruning.mask1,
          mask0: spec.pruning.mask0,
          ...(oneShot ? { targetAlive: oneShotTargets(net, spec.pruning.rates, round + 1) } : {}),
        },
      );
      masks = next.masks;
      wStart = next.wStart;
      trainable = next.trainable;
    };

    if (ctx.resume) {
      const r = ctx.resume;
      denseWF = r.denseWF ?? (r.lastRound === 0 ? r.wF : undefined);
      if (spec.pruning.mode === 'one_shot' && !denseWF) throw new Error('resume: the dense round’s weights are missing');
      advance(r.lastRound, r.wStart, r.wF, r.mask);
      firstRound = r.lastRound + 1;
    } else {
      masks = net.layers.map((_, i) => ones(w0[i].length));
      wStart = w0.map((w) => w.slice());
      trainable = masks.map((m) => m.slice());
      firstRound = 0;
    }

    let tensorsAfterFirst: number | null = null;
    for (let round = firstRound; round < spec.pruning.rounds; round++) {
      const started = Date.now();
      const pct = percentRemaining(masks!);
      post({ type: 'round-start', runId, round, percentRemaining: pct });
      const result = await trainer.trainRound({
        kernels: wStart!,
        biases: zeroBiases(),
        trainable: trainable!,
        seed: spec.seed,
        round,
        onProgress: (p) => post({ type: 'progress', runId, round, iteration: p.iteration, loss: p.loss, at: Date.now() }),
        onEval: (point) => post({ type: 'eval', runId, round, point }),
        shouldStop: ctx.shouldStop,
      });
      if (result.stopped) return 'cancelled';

      const es = earlyStop(result.evals);
      const last = result.evals[result.evals.length - 1];
      let best = 0;
      for (const e of result.evals) best = Math.max(best, e.testAccuracy);
      const summary: RoundSummary = {
        round,
        percentRemaining: pct,
        layers: layerCounts(net, masks!),
        earlyStopIteration: es.iteration,
        earlyStopTestAccuracy: es.testAccuracy,
        earlyStopTestLoss: es.testLoss,
        finalTestAccuracy: last.testAccuracy,
        finalTestLoss: last.testLoss,
        bestTestAccuracy: best,
        wallMs: Date.now() - started,
      };
      const tensors: TensorRecord[] = [];
      net.layers.forEach((l, i) => {
        tensors.push({ layer: l.name, role: 'w_start', shape: l.kernelShape, data: wStart![i] });
        tensors.push({ layer: l.name, role: 'w_f', shape: l.kernelShape, data: result.kernels[i] });
        tensors.push({ layer: l.name, role: 'mask', shape: l.kernelShape, data: masks![i] });
        tensors.push({ layer: l.name, role: 'trainable', shape: l.kernelShape, data: trainable![i] });
        tensors.push({ layer: l.name, role: 'b_f', shape: [l.biasSize], data: result.biases[i] });
      });
      post({ type: 'round', runId, summary, tensors });

      if (round === 0) denseWF = result.kernels;
      if (round + 1 < spec.pruning.rounds) advance(round, wStart!, result.kernels, masks!);

      // No tensor may outlive its round: the count after every round equals the count after the first.
      const n = tf.memory().numTensors;
      if (tensorsAfterFirst === null) tensorsAfterFirst = n;
      else assertNoLeak(tensorsAfterFirst, n, `run ${runId}, round ${round}`);
    }
    return 'completed';
  } finally {
    trainer.dispose();
  }
}
