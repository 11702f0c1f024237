// The new-experiment wizard's draft: chosen net, the fields the user or a preset set, the current step,
// and the main process's verdict on the spec (run id, canonical form, estimate). Validation runs locally
// on every change with the shared zod schema; nothing invalid is ever sent. The draft survives reloads
// (localStorage), so a half-filled wizard is not lost.
//
// Experiments (issue #4): any of the axes net, pruning mode, criterion, mask-1 and mask-0 action can be
// switched to "compare several" (`axes`), and `seeds` sets the repetitions. Several values on an axis or
// more than one seed make the draft an experiment: it is then validated with the experiment schema
// (locally, the same code main runs), previewed with experiments.preview (runs, shared dense trainings),
// estimated per cost group with spec.estimate, and sent with experiments.create. The first chosen value
// of each axis stays the draft's own value, so single-valued screens keep working.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Response } from '../../../common/contract';
import { NET_IDS, type NetId } from '../../../common/nets';
import { defaultSpec, type DatasetId, type RunSpec, type RunSpecInput, type SpecIssue } from '../../../common/spec';
import { getApi } from '../api';
import {
  AXIS_PATHS,
  automaticSeeds,
  buildExperimentInput,
  costGroups,
  draftFromSpec,
  experimentEstimate,
  isExperimentDraft,
  orderLike,
  seedCount,
  shortNetName,
  suggestExperimentName,
  seedsIssues,
  toggleValue,
  validateExperimentLocal,
  varyingAxes,
  type Axis,
  type AxisLists,
  type DraftParts,
  type ExperimentEstimate,
} from '../lib/experiment-draft';
import {
  WIZARD_STEPS,
  buildInput,
  effectiveValue,
  friendly,
  isChanged,
  issuesByPath,
  netFitsDataset,
  stepsWithIssues,
  validateLocal,
  type Overrides,
  type StepId,
} from '../lib/draft';
import { errorMessage } from '../lib/format';
import { axisValueLabel } from '../lib/labels';
import { useRegistryStore } from './registry';

const STORAGE_KEY = 'ticketlab.draft.v1';

interface Saved {
  net: NetId;
  overrides: Overrides;
  presetId: string | null;
  axes?: AxisLists;
  seeds?: number | null;
  alpha?: number | null;
}

function loadSaved(): Saved | null {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Saved>;
    if (!s || !NET_IDS.includes(s.net as NetId) || typeof s.overrides !== 'object' || s.overrides === null) return null;
    const axes: AxisLists = {};
    if (s.axes && typeof s.axes === 'object') {
      for (const [k, v] of Object.entries(s.axes)) {
        if (k in AXIS_PATHS && Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) axes[k as Axis] = v;
      }
    }
    return {
      net: s.net as NetId,
      overrides: s.overrides,
      presetId: typeof s.presetId === 'string' ? s.presetId : null,
      axes,
      seeds: typeof s.seeds === 'number' ? s.seeds : null,
      alpha: typeof s.alpha === 'number' ? s.alpha : null,
    };
  } catch {
    return null;
  }
}

type Validation = Response<'spec.validate'>;
type Estimate = Response<'spec.estimate'>;
type Preview = Response<'experiments.preview'>;

/** An experiment's estimate: main's per-run estimates (one per cost group) combined with the preview. */
export interface ExperimentTotals extends ExperimentEstimate {
  runEstimates: { net: NetId; count: number; estimate: Estimate }[];
  workers: number;
}

export const useDraftStore = defineStore('draft', () => {
  const registry = useRegistryStore();
  const saved = loadSaved();

  const net = ref<NetId>(saved?.net ?? 'fc');
  const overrides = ref<Overrides>(saved?.overrides ?? {});
  const presetId = ref<string | null>(saved?.presetId ?? null);
  const stepIndex = ref(0);
  /** Whether the draft was restored from an earlier session (the wizard says so and offers to start over). */
  const restored = ref(
    saved !== null && (Object.keys(saved.overrides).length > 0 || Object.keys(saved.axes ?? {}).length > 0 || saved.seeds != null),
  );
  /** Axes in "compare several" mode, with the chosen values (registry order). */
  const axes = ref<AxisLists>(saved?.axes ?? {});
  /** Repetitions the user chose; null = automatic (1 for a single run, 5 for an experiment). */
  const seeds = ref<number | null>(saved?.seeds ?? null);
  /** α of an experiment preset (the wizard does not show it; the experiment view can change it later). */
  const alpha = ref<number | null>(saved?.alpha ?? null);

  const server = ref<{ key: string; result: Validation } | null>(null);
  const estimate = ref<{ key: string; result: Estimate } | null>(null);
  const preview = ref<{ key: string; result: Preview } | null>(null);
  const totals = ref<{ key: string; result: ExperimentTotals } | null>(null);
  const serverError = ref<string | null>(null);
  const estimateError = ref<string | null>(null);
  const checking = ref(false);

  const defaults = computed<RunSpec>(() => registry.registry?.defaults[net.value] ?? defaultSpec(net.value));
  /** The single run the draft describes (for an experiment: its first variant, first seed). */
  const runInput = computed(() => buildInput(net.value, defaults.value, overrides.value));
  const seedsEffective = computed(() => seedCount(axes.value, seeds.value));
  const experiment = computed(() => isExperimentDraft(axes.value, seeds.value));
  const varying = computed(() => varyingAxes(axes.value));
  /** The name an unnamed experiment gets (its runs are named after it). */
  const suggestedName = computed(() => {
    const ds = value('dataset.id') as string;
    return suggestExperimentName({
      net: net.value,
      datasetLabel: registry.dataset(ds)?.label ?? ds,
      varying: varying.value.map((a) => ({
        axis: a,
        labels: (axes.value[a] ?? []).map((v) => (a === 'net' ? shortNetName(v) : axisValueLabel(registry.registry, a, v))),
      })),
      seeds: seedsEffective.value,
    });
  });
  const experimentInput = computed(() => {
    const named =
      typeof runInput.value.name === 'string' && runInput.value.name.trim() ? runInput.value : { ...runInput.value, name: suggestedName.value };
    return buildExperimentInput(named, axes.value, seedsEffective.value, { alpha: alpha.value, datasetId: value('dataset.id') as string });
  });
  /** What Start sends: the run spec, or the experiment spec. */
  const input = computed<Record<string, unknown>>(() => (experiment.value ? experimentInput.value : runInput.value));
  const inputKey = computed(() => JSON.stringify(input.value));
  const localRun = computed(() => validateLocal(runInput.value));
  const localExperiment = computed(() => (experiment.value && localRun.value.ok ? validateExperimentLocal(experimentInput.value) : null));
  /** Local verdict: the run's fields first (issues at their fields), then the grid as a whole. */
  const local = computed(() => {
    const e = localExperiment.value;
    return e && !e.ok ? e : localRun.value;
  });
  /** The experiment's runs, expanded locally (null for a single run or while invalid). */
  const expanded = computed(() => (localExperiment.value?.ok ? localExperiment.value.expanded : null));
  const seedIssues = computed(() => seedsIssues(seeds.value, runInput.value.seed ?? 0));

  /** Main's verdict, if it is for the current input. */
  const verdict = computed(() => (server.value && server.value.key === inputKey.value ? server.value.result : null));
  const currentEstimate = computed(() => (estimate.value && estimate.value.key === inputKey.value ? estimate.value.result : null));
  const currentPreview = computed(() => (preview.value && preview.value.key === inputKey.value ? preview.value.result : null));
  const currentTotals = computed(() => (totals.value && totals.value.key === inputKey.value ? totals.value.result : null));
  /** Nets in the draft (several when the network axis is compared). */
  const nets = computed<NetId[]>(() => (axes.value.net && axes.value.net.length ? (axes.value.net as NetId[]) : [net.value]));

  /** A dataset the app cannot read would fail the run at its start: report it at the dataset fields. */
  const datasetIssue = computed<SpecIssue | null>(() => {
    const id = effectiveValue(defaults.value, overrides.value, 'dataset.id');
    const status = registry.datasets.find((d) => d.id === id);
    if (!status || status.available) return null;
    const typed = effectiveValue(defaults.value, overrides.value, 'dataset.path');
    const path = status.needsPath && typeof typed === 'string' && typed.trim() ? 'dataset.path' : 'dataset.id';
    return { path, message: `${status.label} is not available here${status.problem ? `: ${status.problem}` : ''}` };
  });

  const issues = computed<SpecIssue[]>(() => {
    const extra = [...seedIssues.value, ...(datasetIssue.value ? [datasetIssue.value] : [])];
    if (!local.value.ok) return [...local.value.issues, ...extra];
    const v = experiment.value ? currentPreview.value : verdict.value;
    return [...(v && !v.ok ? v.issues.map(friendly) : []), ...extra];
  });
  const issueMap = computed(() => issuesByPath(issues.value));
  const errorSteps = computed(() => stepsWithIssues(issues.value));
  const resolved = computed<RunSpec | null>(() => {
    const v = verdict.value;
    if (!experiment.value && v && v.ok) return v.spec;
    return localRun.value.ok ? localRun.value.spec : null;
  });
  const step = computed<StepId>(() => WIZARD_STEPS[stepIndex.value].id);

  watch(
    [net, overrides, presetId, axes, seeds, alpha],
    () => {
      try {
        const keep: Saved = {
          net: net.value,
          overrides: overrides.value,
          presetId: presetId.value,
          axes: axes.value,
          seeds: seeds.value,
          alpha: alpha.value,
        };
        window.localStorage.setItem(STORAGE_KEY, JSON.stringify(keep));
      } catch {
        /* storage full or disabled: the draft just is not kept */
      }
    },
    { deep: true },
  );

  // ---------- field access ----------

  function value(path: string): unknown {
    return effectiveValue(defaults.value, overrides.value, path);
  }
  function defaultOf(path: string): unknown {
    return effectiveValue(defaults.value, {}, path);
  }
  function changed(path: string): boolean {
    return isChanged(defaults.value, overrides.value, path);
  }
  function errorsAt(path: string): string[] {
    return issueMap.value.get(path) ?? [];
  }
  function set(path: string, v: unknown): void {
    overrides.value = { ...overrides.value, [path]: v };
  }
  function reset(path: string): void {
    const next = { ...overrides.value };
    delete next[path];
    overrides.value = next;
  }

  /** Choose a net; a dataset the net cannot take falls back to the net's own default dataset. */
  function setNet(n: NetId): void {
    net.value = n;
    const ds = overrides.value['dataset.id'] as DatasetId | undefined;
    if (ds && !netFitsDataset(n, ds)) reset('dataset.id');
  }

  /** Choose a dataset; if the current net cannot take its images, switch to the first net that can. */
  function setDataset(id: DatasetId): void {
    const order = registry.registry?.nets.map((n) => n.id as NetId) ?? [...NET_IDS];
    if (!netFitsDataset(net.value, id)) {
      const fit = order.find((n) => netFitsDataset(n, id));
      if (fit) net.value = fit;
    }
    // Compared nets must all take the dataset's images (an experiment has one dataset).
    const list = axes.value.net;
    if (list) {
      const fits = list.filter((n) => netFitsDataset(n as NetId, id));
      axes.value = { ...axes.value, net: fits.length ? fits : [net.value] };
      if (fits.length) net.value = fits[0] as NetId;
    }
    set('dataset.id', id);
  }

  // ---------- experiment axes ----------

  /** The registry's order of an axis's values (how chosen values are listed and sent). */
  function axisOrder(axis: Axis): string[] {
    const r = registry.registry;
    if (axis === 'net') return r?.nets.map((n) => n.id) ?? [...NET_IDS];
    if (axis === 'mode') return ['iterative', 'one_shot'];
    return r?.[axis === 'criterion' ? 'criteria' : axis].map((e) => e.id) ?? [];
  }

  /** The axis's single value (the draft's own). */
  function axisValue(axis: Axis): string {
    return axis === 'net' ? net.value : (value(AXIS_PATHS[axis]) as string);
  }

  /** The first chosen value becomes the draft's own value (what single-valued screens show). */
  function setPrimary(axis: Axis, v: string): void {
    if (axis === 'net') setNet(v as NetId);
    else set(AXIS_PATHS[axis], v);
  }

  /** Switch an axis between one value and "compare several" (starting from the current value). */
  function setCompare(axis: Axis, on: boolean): void {
    const next = { ...axes.value };
    if (on) next[axis] = [axisValue(axis)];
    else {
      const list = next[axis];
      delete next[axis];
      if (list && list.length) setPrimary(axis, list[0]);
    }
    axes.value = next;
  }

  /** Tick or untick a value of a compared axis (at least one stays ticked). */
  function toggleAxis(axis: Axis, id: string): void {
    const list = toggleValue(axes.value[axis] ?? [axisValue(axis)], id, axisOrder(axis));
    axes.value = { ...axes.value, [axis]: list };
    setPrimary(axis, list[0]);
  }

  /** Tick every value of a compared axis (`allowed` limits it, e.g. to nets that fit the dataset). */
  function selectAll(axis: Axis, allowed?: string[]): void {
    const list = orderLike(allowed ?? axisOrder(axis), axisOrder(axis));
    if (!list.length) return;
    axes.value = { ...axes.value, [axis]: list };
    setPrimary(axis, list[0]);
  }

  /** Set the repetitions; the automatic value (1 single, 5 experiment) is kept as "automatic". */
  function setSeeds(n: number | null): void {
    seeds.value = n === null || n === automaticSeeds(axes.value) ? null : n;
  }

  /** The wizard state as one value (for presets and "edited" checks). */
  const parts = computed<DraftParts>(() => ({
    net: net.value,
    overrides: overrides.value,
    axes: axes.value,
    seeds: seeds.value,
    alpha: alpha.value,
  }));

  function applyPreset(id: string): void {
    const p = registry.registry?.presets.find((x) => x.id === id);
    if (!p) return;
    const d = draftFromSpec(p.spec);
    net.value = d.net;
    overrides.value = d.overrides;
    axes.value = d.axes;
    seeds.value = d.seeds;
    alpha.value = d.alpha;
    presetId.value = id;
    restored.value = false;
  }

  /** Back to the paper defaults of FC/MNIST, first step. */
  function resetAll(): void {
    net.value = 'fc';
    overrides.value = {};
    axes.value = {};
    seeds.value = null;
    alpha.value = null;
    presetId.value = null;
    stepIndex.value = 0;
    restored.value = false;
  }

  // ---------- navigation ----------

  function goTo(i: number): void {
    stepIndex.value = Math.max(0, Math.min(WIZARD_STEPS.length - 1, i));
  }

  // ---------- main's verdict ----------

  /** Ask main to validate (run id, canonical spec) and estimate the run time of the current input. */
  async function check(): Promise<void> {
    if (!local.value.ok) return;
    if (experiment.value) return checkExperiment();
    const key = inputKey.value;
    const spec = input.value as RunSpecInput;
    checking.value = true;
    serverError.value = null;
    estimateError.value = null;
    const api = getApi();
    await Promise.all([
      api
        .call('spec.validate', { spec })
        .then((result) => {
          if (key === inputKey.value) server.value = { key, result };
        })
        .catch((err) => {
          if (key === inputKey.value) serverError.value = errorMessage(err);
        }),
      api
        .call('spec.estimate', { spec })
        .then((result) => {
          if (key === inputKey.value) estimate.value = { key, result };
        })
        .catch((err) => {
          if (key === inputKey.value) estimateError.value = errorMessage(err);
        }),
    ]);
    if (key === inputKey.value) checking.value = false;
  }

  /**
   * An experiment: main's preview (id, runs, shared dense trainings) and one spec.estimate per cost group
   * (runs that differ only in criterion or actions cost the same), combined into a total.
   */
  async function checkExperiment(): Promise<void> {
    const key = inputKey.value;
    const spec = input.value;
    const groups = expanded.value ? costGroups(expanded.value) : [];
    checking.value = true;
    serverError.value = null;
    estimateError.value = null;
    const api = getApi();
    try {
      const [p, ests] = await Promise.all([
        api.call('experiments.preview', { spec }).catch((err) => {
          if (key === inputKey.value) serverError.value = errorMessage(err);
          return null;
        }),
        Promise.all(groups.map((g) => api.call('spec.estimate', { spec: g.spec as RunSpecInput }))).catch((err) => {
          if (key === inputKey.value) estimateError.value = errorMessage(err);
          return null;
        }),
      ]);
      if (key !== inputKey.value || !p) return;
      preview.value = { key, result: p };
      if (!p.ok || !ests) return;
      const workers = registry.info?.workers ?? 1;
      const combined = experimentEstimate(
        groups.map((g, i) => ({ seconds: ests[i].totalSeconds, count: g.count, rounds: g.spec.pruning.rounds })),
        { runs: p.runs, newRuns: p.newRuns, reusedDense: p.reusedDense, workers },
      );
      totals.value = {
        key,
        result: { ...combined, workers, runEstimates: groups.map((g, i) => ({ net: g.spec.net, count: g.count, estimate: ests[i] })) },
      };
    } finally {
      if (key === inputKey.value) checking.value = false;
    }
  }

  /**
   * The spec to send, or null while anything is invalid or unchecked. The estimate must be in (or have
   * failed) too, so a long run can never start without its warning.
   */
  const sendable = computed<Record<string, unknown> | null>(() => {
    if (!local.value.ok || datasetIssue.value || seedIssues.value.length) return null;
    if (experiment.value) {
      const p = currentPreview.value;
      if (!p || !p.ok) return null;
      if (!currentTotals.value && !estimateError.value) return null;
      return input.value;
    }
    const v = verdict.value;
    if (!v || !v.ok) return null;
    if (!currentEstimate.value && !estimateError.value) return null;
    return input.value;
  });

  /** Estimated seconds until the draft's runs are done (the run's, or the experiment's wall time). */
  const totalSeconds = computed<number | null>(() =>
    experiment.value ? (currentTotals.value?.wallSeconds ?? null) : (currentEstimate.value?.totalSeconds ?? null),
  );

  return {
    net,
    nets,
    overrides,
    presetId,
    stepIndex,
    step,
    restored,
    axes,
    seeds,
    alpha,
    seedsEffective,
    experiment,
    varying,
    suggestedName,
    parts,
    defaults,
    runInput,
    input,
    inputKey,
    local,
    expanded,
    verdict,
    currentEstimate,
    currentPreview,
    currentTotals,
    totalSeconds,
    issues,
    errorSteps,
    resolved,
    serverError,
    estimateError,
    checking,
    sendable,
    value,
    defaultOf,
    changed,
    errorsAt,
    set,
    reset,
    setNet,
    setDataset,
    setCompare,
    toggleAxis,
    selectAll,
    axisOrder,
    setSeeds,
    applyPreset,
    resetAll,
    goTo,
    check,
  };
});
