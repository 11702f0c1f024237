// A short measured benchmark of one net's training step and evaluation cost on the active backend, on
// synthetic images (timing only: the numbers learned are thrown away). Runs inside a worker thread.
import { NETS, type NetId } from '../../common/nets';
import { initNet } from '../science/init';
import { stream } from '../science/rng';
import { stageData, Trainer } from '../engine/trainer';

export interface SpeedMeasurement {
  net: NetId;
  batchSize: number;
  backend: string;
  secondsPerStep: number;
  secondsPerEvalImage: number;
}

function synthetic(count: number, size: number, seed: number) {
  const rng = stream(seed, 'mask_sample', 0, 'bench');
  const images = new Uint8Array(count * size);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = rng.int(10);
  return { images, labels, count };
}

export async function measureSpeed(netId: NetId, batchSize: number, backend: string): Promise<SpeedMeasurement> {
  const net = NETS[netId];
  const [h, w, c] = net.inputShape;
  const size = h * w * c;
  const conv = netId !== 'fc';
  const evalImages = conv ? 120 : 2000;
  const data = stageData({
    imageShape: [h, w, c],
    train: synthetic(Math.max(batchSize * 4, 240), size, 1),
    validation: synthetic(evalImages / 2, size, 2),
    test: synthetic(evalImages / 2, size, 3),
  });
  const { kernels, biases } = initNet(net, 0);
  const trainable = kernels.map((k) => new Uint8Array(k.length).fill(1));
  const steps = conv ? 2 : 40;
  const time = async (iterations: number): Promise<number> => {
    const trainer = new Trainer(net, data, { optimizer: 'adam', lr: 1e-3, momentum: 0.9, batchSize, iterations, evalEvery: iterations });
    try {
      const t0 = performance.now();
      await trainer.trainRound({ kernels, biases, trainable, seed: 0, round: 0 });
      return (performance.now() - t0) / 1000;
    } finally {
      trainer.dispose();
    }
  };
  try {
    await time(conv ? 1 : 10); // warm-up: kernel compilation, allocator
    const t1 = await time(steps);
    const t2 = await time(2 * steps);
    const perStep = Math.max((t2 - t1) / steps, 1e-5);
    const evalCost = Math.max(t1 - steps * perStep, 0);
    return { net: netId, batchSize, backend, secondsPerStep: perStep, secondsPerEvalImage: evalCost / evalImages };
  } finally {
    data.dispose();
  }
}
