// Wizard presets and shipped examples share these definitions.
import { CRITERION_IDS, MASK0_IDS, MASK1_IDS, type RunSpecInput } from './spec';
import type { ExperimentSpecInput } from './experiment';

export interface Preset {
  id: string;
  label: string;
  description: string;
  /** A single run, or an experiment (kind: 'experiment': axes with several values × seeds). */
  spec: RunSpecInput | ExperimentSpecInput;
}

/** Z19 Figure 1 compares every criterion except the sign-based ones (those are for supermasks, Figure 4). */
const CRITERIA_FIG1 = CRITERION_IDS.filter((c) => c !== 'large_final_same_sign' && c !== 'large_final_diff_sign');
const MASK1_FIG2 = MASK1_IDS;
const MASK0_FIG3 = MASK0_IDS;

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
