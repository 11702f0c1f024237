// Wizard presets and shipped examples share these definitions.
import type { RunSpecInput } from './spec';
import type { ExperimentSpecInput } from './experiment';

export interface Preset {
  id: string;
  label: string;
  description: string;
  /** A single run, or an experiment (kind: 'experiment': axes with several values × seeds). */
  spec: RunSpecInput | ExperimentSpecInput;
}

const CRITERIA_FIG1 = [
  'large_final',
  'small_final',
  'large_init',
  'small_init',
  'large_init_large_final',
  'small_init_small_final',
  'magnitude_increase',
  'movement',
  'random',
] as const;
const MASK1_FIG2 = ['rewind', 'reinit', 'reshuffle', 'constant', 'reinit_sign', 'reshuffle_sign', 'constant_sign'] as const;
const MASK0_FIG3 = ['zero', 'init', 'zero_if_decreased', 'zero_if_decreased_all'] as const;

/** Z19 figure reproductions, FC/MNIST, quick budget (3 seeds, 1000 it/round, 8 rounds to 21.1%). */
function z19Quick(fig: string, title: string, pruning: ExperimentSpecInput['pruning']): Preset {
  return {
    id: `z19-${fig}-fc-quick`,
    label: `Z19 ${title} (quick)`,
    description: `FC on MNIST, 3 seeds, 1000 iterations per round, 8 rounds down to 21.1%: reproduces the shape of Z19 ${title} in under 30 minutes on 2 cores.`,
    spec: {
      kind: 'experiment',
      name: `Z19 ${title} (FC/MNIST, quick)`,
      net: 'fc',
      seeds: 3,
      dataset: { id: 'mnist' },
      training: { iterations: 1000, evalEvery: 250 },
      pruning: { rounds: 8, ...pruning },
    },
  };
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
  z19Quick('fig1', 'Figure 1: mask criteria', { criterion: [...CRITERIA_FIG1] }),
  z19Quick('fig2', 'Figure 2: mask-1 actions', { mask1: [...MASK1_FIG2] }),
  z19Quick('fig3', 'Figure 3: mask-0 actions', { mask0: [...MASK0_FIG3] }),
];
