// Shared fixtures for the engine tests: tiny nets, seeded arrays, synthetic datasets, backend switching.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerDef, NetDef } from '../../../src/common/nets';
import type { Split } from '../../../src/main/engine/data';
import { stream } from '../../../src/main/science/rng';
import '../../../src/main/engine/backend'; // registers the cpu and wasm backends

export type TestBackend = 'cpu' | 'wasm';
export const BACKENDS: TestBackend[] = ['cpu', 'wasm'];

/** Switch the process's tfjs backend (both are registered; the wasm module initialises on first use). */
export async function useBackend(name: TestBackend): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to initialise`);
  const be = tf.backend() as { firstUse?: boolean };
  if ('firstUse' in be) be.firstUse = false; // no "install tfjs-node" banner in test output
}

/** Seeded standard-normal values (× scale) as float32. */
export function normals(n: number, seed: number, scale = 1): Float32Array {
  const rng = stream(seed, 'weight_init', 99, 'engine-test');
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

function denseLayer(name: string, kind: 'dense' | 'output', inSize: number, outSize: number): LayerDef {
  return { name, kind, kernelShape: [inSize, outSize], biasSize: outSize, fanIn: inSize, fanOut: outSize };
}

function convLayer(name: string, inC: number, outC: number, poolAfter: boolean): LayerDef {
  return { name, kind: 'conv', kernelShape: [3, 3, inC, outC], biasSize: outC, poolAfter, fanIn: 9 * inC, fanOut: 9 * outC };
}

/** A tiny FC net on 4x4x1 images: 16-12-8-10. */
export const TINY_FC: NetDef = {
  id: 'fc',
  label: 'tiny FC (test)',
  inputShape: [4, 4, 1],
  layers: [denseLayer('dense1', 'dense', 16, 12), denseLayer('dense2', 'dense', 12, 8), denseLayer('output', 'output', 8, 10)],
};

/** A tiny conv net on 4x4x2 images: conv 2→3, conv 3→3, pool, dense 12→6, output 6→10. */
export const TINY_CONV: NetDef = {
  id: 'conv2',
  label: 'tiny conv (test)',
  inputShape: [4, 4, 2],
  layers: [
    convLayer('conv1', 2, 3, false),
    convLayer('conv2', 3, 3, true),
    denseLayer('dense1', 'dense', 2 * 2 * 3, 6),
    denseLayer('output', 'output', 6, 10),
  ],
};

export function layerSizes(net: NetDef): number[] {
  return net.layers.map((l) => l.kernelShape.reduce((a, b) => a * b, 1));
}

/** Glorot-ish random weights (seeded) and zero biases for a net. */
export function randomWeights(net: NetDef, seed: number): { kernels: Float32Array[]; biases: Float32Array[] } {
  return {
    kernels: net.layers.map((l, i) => normals(layerSizes(net)[i], seed + i, Math.sqrt(2 / (l.fanIn + l.fanOut)))),
    biases: net.layers.map((l) => new Float32Array(l.biasSize)),
  };
}

/**
 * A learnable synthetic split: class k images are a fixed random prototype of class k plus noise,
 * as bytes 0..255 (HWC).
 */
export function syntheticSplit(count: number, imageSize: number, seed: number, noise = 40): Split {
  const proto = stream(7, 'weight_init', 98, 'prototypes');
  const prototypes = Array.from({ length: 10 }, () => Float64Array.from({ length: imageSize }, () => proto.float() * 255));
  const rng = stream(seed, 'weight_init', 97, 'samples');
  const images = new Uint8Array(count * imageSize);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const y = i % 10;
    labels[i] = y;
    for (let j = 0; j < imageSize; j++) {
      const v = prototypes[y][j] + rng.normal() * noise;
      images[i * imageSize + j] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return { images, labels, count };
}

export function syntheticDataset(net: NetDef, counts = { train: 200, validation: 50, test: 60 }) {
  const [h, w, c] = net.inputShape;
  const size = h * w * c;
  return {
    imageShape: [h, w, c] as [number, number, number],
    train: syntheticSplit(counts.train, size, 1),
    validation: syntheticSplit(counts.validation, size, 2),
    test: syntheticSplit(counts.test, size, 3),
  };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** True when every element has the same bit pattern (distinguishes −0 from +0). */
export function bitIdentical(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}
