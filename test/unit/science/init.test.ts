import { describe, expect, it } from 'vitest';
import { NETS, kernelSize } from '../../../src/common/nets';
import { glorotNormal, glorotSigma, initNet, TRUNCATED_NORMAL_STD } from '../../../src/main/science/init';
import { STREAM_PURPOSES, stream } from '../../../src/main/science/rng';
import { sameValues } from './helpers';

function moments(a: Float32Array): { mean: number; std: number; maxAbs: number } {
  let s = 0;
  let maxAbs = 0;
  for (const v of a) {
    s += v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const mean = s / a.length;
  let sq = 0;
  for (const v of a) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / a.length), maxAbs };
}

describe('glorotNormal', () => {
  it('uses σ = √(2/(fanIn+fanOut)) / 0.87962566', () => {
    expect(TRUNCATED_NORMAL_STD).toBeCloseTo(0.87962566, 8);
    expect(glorotSigma(784, 300) / (Math.sqrt(2 / 1084) / 0.87962566)).toBeCloseTo(1, 8);
    expect(() => glorotSigma(0, 10)).toThrow(RangeError);
  });

  it('is truncated at ±2σ and has the intended standard deviation', () => {
    const fanIn = 784;
    const fanOut = 300;
    const sigma = glorotSigma(fanIn, fanOut);
    const w = glorotNormal(stream(3, 'weight_init', 0, 0), fanIn, fanOut, 200_000);
    const { mean, std, maxAbs } = moments(w);
    // Bound (allowing float32 rounding of 2σ), and the tails actually reach it.
    expect(maxAbs).toBeLessThanOrEqual(Math.fround(2 * sigma) * (1 + 1e-7));
    expect(maxAbs).toBeGreaterThan(1.98 * sigma);
    // The truncation correction restores √(2/(fanIn+fanOut)); standard error of std here is ~0.16%.
    expect(std / Math.sqrt(2 / (fanIn + fanOut))).toBeGreaterThan(0.99);
    expect(std / Math.sqrt(2 / (fanIn + fanOut))).toBeLessThan(1.01);
    expect(Math.abs(mean)).toBeLessThan(0.01 * std);
    // Without the truncation the untruncated σ would show up (about 13.7% larger): not the case.
    expect(std).toBeLessThan(0.9 * sigma);
  });

  it('redraws (never clips) values beyond 2σ: no mass piles up at the bound', () => {
    const sigma = glorotSigma(10, 10);
    const w = glorotNormal(stream(1, 'weight_init', 0, 0), 10, 10, 50_000);
    const atBound = Array.from(w).filter((v) => Math.abs(Math.abs(v) - Math.fround(2 * sigma)) < 1e-6 * sigma).length;
    expect(atBound).toBeLessThan(3);
  });

  it('is a deterministic function of the stream', () => {
    const a = glorotNormal(stream(5, 'weight_init', 0, 1), 300, 100, 1000);
    const b = glorotNormal(stream(5, 'weight_init', 0, 1), 300, 100, 1000);
    const c = glorotNormal(stream(6, 'weight_init', 0, 1), 300, 100, 1000);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
});

describe('initNet', () => {
  it('draws each kernel from stream(seed, weight_init, 0, layerIndex) and zero biases', () => {
    const net = NETS.fc;
    const p = initNet(net, 11);
    expect(p.kernels.map((k) => k.length)).toEqual(net.layers.map(kernelSize));
    expect(p.biases.map((b) => b.length)).toEqual([300, 100, 10]);
    for (const b of p.biases) expect(b.every((v) => v === 0)).toBe(true);
    net.layers.forEach((layer, l) => {
      const expected = glorotNormal(stream(11, 'weight_init', 0, l), layer.fanIn, layer.fanOut, kernelSize(layer));
      expect(sameValues(p.kernels[l], expected)).toBe(true);
    });
  });

  it('uses conv fans kh·kw·in and kh·kw·out', () => {
    const net = NETS.conv4;
    const p = initNet(net, 2);
    const layer = net.layers[2]; // conv3: 3x3, 64 → 128
    expect(layer.fanIn).toBe(576);
    expect(layer.fanOut).toBe(1152);
    expect(moments(p.kernels[2]).std).toBeCloseTo(Math.sqrt(2 / (576 + 1152)), 3);
  });

  it('depends on the seed and is reproducible', () => {
    expect(sameValues(initNet(NETS.fc, 1).kernels[0], initNet(NETS.fc, 1).kernels[0])).toBe(true);
    expect(sameValues(initNet(NETS.fc, 1).kernels[0], initNet(NETS.fc, 2).kernels[0])).toBe(false);
  });
});

describe('rng streams', () => {
  it('are independent: extra draws on one stream never shift another', () => {
    const alone = stream(7, 'tie_break', 2, 1);
    const expected = Array.from({ length: 20 }, () => alone.float());

    const other = stream(7, 'mask1', 2, 1);
    const b = stream(7, 'tie_break', 2, 1);
    const interleaved: number[] = [];
    for (let i = 0; i < 20; i++) {
      for (let j = 0; j < i; j++) other.normal();
      interleaved.push(b.float());
    }
    expect(interleaved).toEqual(expected);
  });

  it('differ by seed, purpose, round and layer', () => {
    const first = (s: ReturnType<typeof stream>) => [s.float(), s.float(), s.float()];
    const base = first(stream(1, 'tie_break', 0, 0));
    const variants = [
      stream(2, 'tie_break', 0, 0),
      stream(1, 'mask1', 0, 0),
      stream(1, 'tie_break', 1, 0),
      stream(1, 'tie_break', 0, 1),
      ...STREAM_PURPOSES.filter((p) => p !== 'tie_break').map((p) => stream(1, p, 0, 0)),
    ];
    for (const v of variants) expect(first(v)).not.toEqual(base);
  });
});
