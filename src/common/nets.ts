// Network architectures as plain data (SCIENCE.md §1). Shared by the engine (which builds them),
// the science (which prunes per layer kind) and the UI (which shows layer tables).
// No runtime imports of node, electron or tfjs here.

export type NetId = 'fc' | 'conv2' | 'conv4' | 'conv6';
export const NET_IDS: readonly NetId[] = ['fc', 'conv2', 'conv4', 'conv6'] as const;

/** Layer kind decides the pruning rate: conv kernels, hidden dense kernels, the output kernel. */
export type LayerKind = 'conv' | 'dense' | 'output';

export interface LayerDef {
  /** Stable name, e.g. "conv1", "dense1", "output". Used as the key for stored tensors. */
  name: string;
  kind: LayerKind;
  /** Kernel shape in tfjs layout: dense [in, out]; conv [kh, kw, inChannels, outChannels]. */
  kernelShape: number[];
  /** Number of bias entries (= output units/channels). Biases are never masked. */
  biasSize: number;
  /** For conv layers: whether a 2x2 max-pool follows this layer. */
  poolAfter?: boolean;
  fanIn: number;
  fanOut: number;
}

export interface NetDef {
  id: NetId;
  label: string;
  inputShape: number[]; // [h, w, c] for images; FC flattens
  layers: LayerDef[];
}

function dense(name: string, kind: LayerKind, inSize: number, outSize: number): LayerDef {
  return { name, kind, kernelShape: [inSize, outSize], biasSize: outSize, fanIn: inSize, fanOut: outSize };
}

function conv(name: string, inC: number, outC: number, poolAfter: boolean): LayerDef {
  return {
    name,
    kind: 'conv',
    kernelShape: [3, 3, inC, outC],
    biasSize: outC,
    poolAfter,
    fanIn: 9 * inC,
    fanOut: 9 * outC,
  };
}

function convNet(id: NetId, label: string, blocks: number[]): NetDef {
  const layers: LayerDef[] = [];
  let c = 3;
  let size = 32;
  let i = 1;
  for (const width of blocks) {
    layers.push(conv(`conv${i++}`, c, width, false));
    layers.push(conv(`conv${i++}`, width, width, true));
    c = width;
    size /= 2;
  }
  const flat = size * size * c;
  layers.push(dense('dense1', 'dense', flat, 256));
  layers.push(dense('dense2', 'dense', 256, 256));
  layers.push(dense('output', 'output', 256, 10));
  return { id, label, inputShape: [32, 32, 3], layers };
}

export const NETS: Record<NetId, NetDef> = {
  fc: {
    id: 'fc',
    label: 'FC (LeNet-300-100)',
    inputShape: [28, 28, 1],
    layers: [dense('dense1', 'dense', 784, 300), dense('dense2', 'dense', 300, 100), dense('output', 'output', 100, 10)],
  },
  conv2: convNet('conv2', 'Conv2', [64]),
  conv4: convNet('conv4', 'Conv4', [64, 128]),
  conv6: convNet('conv6', 'Conv6', [64, 128, 256]),
};

export function kernelSize(layer: LayerDef): number {
  return layer.kernelShape.reduce((a, b) => a * b, 1);
}

export function netParamCounts(net: NetDef): { kernel: number; conv: number; bias: number; total: number } {
  let kernel = 0;
  let conv = 0;
  let bias = 0;
  for (const l of net.layers) {
    const k = kernelSize(l);
    kernel += k;
    if (l.kind === 'conv') conv += k;
    bias += l.biasSize;
  }
  return { kernel, conv, bias, total: kernel + bias };
}
