// Weight initialisation (SCIENCE.md §1): Glorot-normal drawn the way Keras draws it, from our own
// seeded streams (never tfjs initialisers). Biases start at zero.
import type { NetDef } from '../../common/nets';
import { kernelSize } from '../../common/nets';
import { stream, type Rng } from './rng';

/**
 * Standard deviation of a unit normal truncated to [−2, 2]. Dividing the intended σ by it restores the
 * intended variance after truncation (Keras' `VarianceScaling(distribution='truncated_normal')`).
 */
export const TRUNCATED_NORMAL_STD = 0.87962566103423978;

/** The σ of the underlying (pre-truncation) normal: √(2/(fanIn+fanOut)) / 0.87962566. */
export function glorotSigma(fanIn: number, fanOut: number): number {
  if (!(fanIn > 0) || !(fanOut > 0)) throw new RangeError(`fanIn and fanOut must be positive (got ${fanIn}, ${fanOut})`);
  return Math.sqrt(2 / (fanIn + fanOut)) / TRUNCATED_NORMAL_STD;
}

/**
 * `size` Glorot-normal draws: z ~ N(0, 1) redrawn until |z| ≤ 2, times `glorotSigma(fanIn, fanOut)`.
 * The resulting values have standard deviation √(2/(fanIn+fanOut)) and lie within ±2σ.
 * Consumes only normal draws from `rng`, in index order.
 */
export function glorotNormal(rng: Rng, fanIn: number, fanOut: number, size: number): Float32Array {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`size must be a non-negative integer (got ${size})`);
  const sigma = glorotSigma(fanIn, fanOut);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    let z = rng.normal();
    while (z > 2 || z < -2) z = rng.normal();
    out[i] = z * sigma;
  }
  return out;
}

/** Initial parameters of a net: one kernel and one bias array per layer, in `net.layers` order. */
export interface NetParams {
  kernels: Float32Array[];
  biases: Float32Array[];
}

/**
 * w_0 of a net for a seed: layer l's kernel is Glorot-normal from stream(seed, 'weight_init', 0, l)
 * (flat, in the tfjs kernel layout of `LayerDef.kernelShape`); biases are zero.
 */
export function initNet(net: NetDef, seed: number): NetParams {
  const kernels = net.layers.map((layer, l) =>
    glorotNormal(stream(seed, 'weight_init', 0, l), layer.fanIn, layer.fanOut, kernelSize(layer)),
  );
  const biases = net.layers.map((layer) => new Float32Array(layer.biasSize));
  return { kernels, biases };
}
