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
  const trainer = new Trainer(net, data, { optimizer: 'adam', lr: 1e-3, momentum: 0.9, batchSize, iterations: steps, evalEvery: steps });
  try {
    await trainer.trainRound({ kernels, biases, trainable, seed: 0, round: 0 }); // warm-up: kernel setup, allocator
    // Evaluation cost, timed on its own (median of 3) so it never hides inside the noise of the step timing.
    const evalTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await trainer.evaluate(data.validation);
      await trainer.evaluate(data.test);
      evalTimes.push((performance.now() - t0) / 1000);
    }
    const evalCost = evalTimes.sort((a, b) => a - b)[1];
    const t0 = performance.now();
    await trainer.trainRound({ kernels, biases, trainable, seed: 0, round: 1 });
    const round = (performance.now() - t0) / 1000;
    const perStep = Math.max((round - evalCost) / steps, 1e-5);
    return { net: netId, batchSize, backend, secondsPerStep: perStep, secondsPerEvalImage: evalCost / evalImages };
  } finally {
    trainer.dispose();
    data.dispose();
  }
}
