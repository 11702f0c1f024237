// Wizard presets and shipped examples share these definitions.
import type { RunSpecInput } from './spec';

export interface Preset {
  id: string;
  label: string;
  description: string;
  spec: RunSpecInput;
}

export const PRESETS: Preset[] = [
  {
    id: 'quick',
    label: 'Quick look',
    description: 'FC on MNIST, 8 rounds down to 21.1% of weights, 3000 iterations per round: a few minutes on 2 CPU cores.',
    spec: {
      name: 'FC/MNIST quick look',
      net: 'fc',
      dataset: { id: 'mnist' },
      training: { iterations: 3000, evalEvery: 500 },
      pruning: { rounds: 8 },
    },
  },
  {
    id: 'z19-fc',
    label: 'Z19 paper settings (FC)',
    description: 'LeNet-300-100 on MNIST with Z19 Table S1 settings: Adam 1.2e-3, batch 60, 50K iterations per round, 20 rounds (to 1.5%).',
    spec: { name: 'FC/MNIST, Z19 settings', net: 'fc', dataset: { id: 'mnist' }, pruning: { rounds: 20 } },
  },
  {
    id: 'z19-conv2',
    label: 'Z19 paper settings (Conv2)',
    description: 'Conv2 on CIFAR-10 with Z19 settings: Adam 2e-4, 20K iterations per round. Hours per round on a CPU: use a GPU.',
    spec: { name: 'Conv2/CIFAR-10, Z19 settings', net: 'conv2', dataset: { id: 'cifar10' }, pruning: { rounds: 20 } },
  },
];
