import { describe, expect, it } from 'vitest';
import { expandExperiment } from '../../../common/experiment';
import { PRESETS } from '../../../common/presets';
import { defaultSpec, canonicalSpecString } from '../../../common/spec';
import { buildInput } from './draft';
import {
  automaticSeeds,
  buildExperimentInput,
  costGroups,
  draftFromSpec,
  experimentEstimate,
  fieldPathOf,
  isExperimentDraft,
  orderLike,
  sameDraft,
  seedCount,
  seedsIssues,
  suggestExperimentName,
  toggleValue,
  validateExperimentLocal,
  varyingAxes,
} from './experiment-draft';

const fc = defaultSpec('fc');
const CRITERIA = ['large_final', 'small_final', 'large_init', 'random'];

describe('experiment draft', () => {
  it('is a single run until an axis has several values or seeds > 1; experiments default to 5 seeds', () => {
    expect(isExperimentDraft({}, null)).toBe(false);
    expect(seedCount({}, null)).toBe(1);
    expect(isExperimentDraft({ criterion: ['large_final'] }, null)).toBe(false); // compare mode, one value
    expect(isExperimentDraft({}, 3)).toBe(true);
    const axes = { criterion: ['large_final', 'random'] };
    expect(varyingAxes(axes)).toEqual(['criterion']);
    expect(automaticSeeds(axes)).toBe(5);
    expect(seedCount(axes, null)).toBe(5);
    expect(seedCount(axes, 2)).toBe(2);
    expect(isExperimentDraft(axes, 1)).toBe(true);
  });

  it('ticks values in registry order and never unticks the last one', () => {
    expect(orderLike(['random', 'large_final', 'random'], CRITERIA)).toEqual(['large_final', 'random']);
    expect(toggleValue(['large_final'], 'random', CRITERIA)).toEqual(['large_final', 'random']);
    expect(toggleValue(['random'], 'small_final', CRITERIA)).toEqual(['small_final', 'random']);
    expect(toggleValue(['large_final', 'random'], 'large_final', CRITERIA)).toEqual(['random']);
    expect(toggleValue(['random'], 'random', CRITERIA)).toEqual(['random']);
  });

  it('builds an experiment spec that expands to variants × seeds runs with the wizard settings', () => {
    const run = buildInput('fc', fc, { 'training.iterations': 200, 'training.evalEvery': 100, 'dataset.trainLimit': 2000, name: 'grid' });
    const input = buildExperimentInput(run, { criterion: ['large_final', 'random'] }, 2);
    expect(input).toEqual({
      kind: 'experiment',
      net: 'fc',
      name: 'grid',
      training: { iterations: 200 }, // evalEvery 100 is FC's paper default: not sent
      dataset: { trainLimit: 2000 },
      pruning: { criterion: ['large_final', 'random'] },
      seeds: 2,
    });
    const v = validateExperimentLocal(input);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.expanded.runs).toHaveLength(4);
    expect(v.expanded.runs.map((r) => `${r.spec.pruning.criterion}/${r.seed}`)).toEqual(['large_final/0', 'large_final/1', 'random/0', 'random/1']);
    expect(v.expanded.runs.every((r) => r.spec.training.iterations === 200 && r.spec.dataset.trainLimit === 2000)).toBe(true);
    // A first seed other than 0 becomes an explicit list; the run input's seed never leaks into the experiment.
    const from7 = buildExperimentInput({ ...run, seed: 7 }, {}, 3, { alpha: 0.01 });
    expect(from7).toMatchObject({ seeds: [7, 8, 9], alpha: 0.01 });
    expect(from7).not.toHaveProperty('seed');
    expect(expandExperiment(from7).seeds).toEqual([7, 8, 9]);
  });

  it('reports grid problems at the wizard field they belong to', () => {
    // conv2 needs CIFAR-10: comparing it with fc on the wizard's MNIST is caught for the dataset
    // (without the pinned dataset each net would silently train on its own default dataset).
    const grid = buildExperimentInput(buildInput('fc', fc, {}), { net: ['fc', 'conv2'] }, 2, { datasetId: 'mnist' });
    expect(grid.dataset).toEqual({ id: 'mnist' });
    const bad = validateExperimentLocal(grid);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues.map((i) => i.path)).toContain('dataset.id');
    // conv2 with conv4 on CIFAR-10 is fine, and pinning the default dataset keeps the run ids.
    const conv = defaultSpec('conv2');
    const ok = validateExperimentLocal(buildExperimentInput(buildInput('conv2', conv, {}), { net: ['conv2', 'conv4'] }, 1, { datasetId: 'cifar10' }));
    expect(ok.ok && ok.expanded.runs.map((r) => canonicalSpecString(r.spec))).toEqual([
      canonicalSpecString(defaultSpec('conv2')),
      canonicalSpecString(defaultSpec('conv4')),
    ]);
    expect(fieldPathOf('pruning.criterion.1')).toBe('pruning.criterion');
    expect(fieldPathOf('seeds.3')).toBe('seeds');
    expect(seedsIssues(null, 0)).toEqual([]);
    expect(seedsIssues(0, 0)[0]).toEqual({ path: 'seeds', message: 'Must be at least 1.' });
    expect(seedsIssues(101, 0)[0].message).toBe('Must be at most 100.');
    expect(seedsIssues(2.5, 0)[0].message).toBe('Enter a whole number.');
    expect(seedsIssues(3, 2 ** 31 - 2)[0].message).toMatch(/last seed/);
  });

  it('turns the shipped experiment presets into wizard state that rebuilds exactly the same runs', () => {
    const presets = PRESETS.filter((p) => p.spec.kind === 'experiment');
    expect(presets.length).toBeGreaterThanOrEqual(3);
    for (const p of presets) {
      const d = draftFromSpec(p.spec);
      expect(varyingAxes(d.axes)).toHaveLength(1);
      const run = buildInput(d.net, defaultSpec(d.net), d.overrides);
      const rebuilt = buildExperimentInput(run, d.axes, seedCount(d.axes, d.seeds), {
        alpha: d.alpha,
        datasetId: d.net === 'fc' ? 'mnist' : 'cifar10',
      });
      const a = expandExperiment(p.spec).runs.map((r) => canonicalSpecString(r.spec));
      const b = expandExperiment(rebuilt).runs.map((r) => canonicalSpecString(r.spec));
      expect(b).toEqual(a);
      expect(sameDraft(d, draftFromSpec(p.spec))).toBe(true);
    }
    // Fig. 1: nine criteria, three seeds, the first criterion is the draft's own value.
    const fig1 = draftFromSpec(PRESETS.find((p) => p.id === 'z19-fig1-fc-quick')!.spec);
    expect(fig1.axes.criterion).toHaveLength(9);
    expect(fig1.overrides['pruning.criterion']).toBe('large_final');
    expect(fig1.seeds).toBe(3);
    // Editing the grid is noticed.
    expect(sameDraft(fig1, { ...fig1, axes: { criterion: fig1.axes.criterion!.slice(1) } })).toBe(false);
    expect(sameDraft(fig1, { ...fig1, seeds: 5 })).toBe(false);
    // A run preset has no axes and automatic seeds.
    const quick = draftFromSpec(PRESETS.find((p) => p.id === 'quick')!.spec);
    expect(quick).toMatchObject({ net: 'fc', axes: {}, seeds: null });
  });

  it('groups runs by cost and estimates the total over workers, minus shared dense rounds', () => {
    const run = buildInput('fc', fc, { 'training.iterations': 200, 'training.evalEvery': 100 });
    const e = expandExperiment(buildExperimentInput(run, { criterion: ['large_final', 'random'], mask1: ['rewind', 'reinit'] }, 3));
    const groups = costGroups(e);
    expect(groups).toHaveLength(1); // criteria and actions do not change the cost
    expect(groups[0].count).toBe(12);
    const est = experimentEstimate([{ seconds: 80, count: 12, rounds: 8 }], { runs: 12, newRuns: 12, reusedDense: 9, workers: 2 });
    // 12 runs × 80 s, minus 9 shared dense rounds of 10 s, on 2 workers.
    expect(est).toEqual({ workSeconds: 870, wallSeconds: 435, parallel: 2, perRunSeconds: 80 });
    // Runs already in the store cost nothing; one new run cannot use two workers.
    expect(experimentEstimate([{ seconds: 80, count: 4, rounds: 8 }], { runs: 4, newRuns: 1, reusedDense: 0, workers: 2 })).toMatchObject({
      workSeconds: 80,
      wallSeconds: 80,
      parallel: 1,
    });
  });
});

describe('experiment names', () => {
  it('names an unnamed experiment after what it compares', () => {
    const base = { net: 'fc', datasetLabel: 'MNIST', seeds: 5 };
    expect(suggestExperimentName({ ...base, varying: [{ axis: 'criterion', labels: ['Large final', 'Random'] }] })).toBe(
      'FC/MNIST: Large final vs. Random',
    );
    expect(suggestExperimentName({ ...base, varying: [{ axis: 'criterion', labels: Array.from({ length: 9 }, (_, i) => `c${i}`) }] })).toBe(
      'FC/MNIST: 9 criteria',
    );
    expect(
      suggestExperimentName({
        net: 'conv2',
        datasetLabel: 'CIFAR-10',
        seeds: 3,
        varying: [
          { axis: 'net', labels: ['Conv2', 'Conv4'] },
          { axis: 'mask1', labels: ['Rewind', 'Reinit'] },
        ],
      }),
    ).toBe('CIFAR-10: Conv2 vs. Conv4 × Rewind vs. Reinit');
    expect(suggestExperimentName({ ...base, varying: [] })).toBe('FC/MNIST over 5 seeds');
  });
});
