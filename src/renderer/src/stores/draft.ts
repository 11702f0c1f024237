// The new-experiment wizard's draft: chosen net, the fields the user or a preset set, the current step,
// and the main process's verdict on the spec (run id, canonical form, estimate). Validation runs locally
// on every change with the shared zod schema; nothing invalid is ever sent. The draft survives reloads
// (localStorage), so a half-filled wizard is not lost.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Response } from '../../../common/contract';
import { NET_IDS, type NetId } from '../../../common/nets';
import { defaultSpec, type DatasetId, type RunSpec, type RunSpecInput, type SpecIssue } from '../../../common/spec';
import { getApi } from '../api';
import {
  WIZARD_STEPS,
  buildInput,
  effectiveValue,
  flattenSpec,
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
import { useRegistryStore } from './registry';

const STORAGE_KEY = 'ticketlab.draft.v1';

interface Saved {
  net: NetId;
  overrides: Overrides;
  presetId: string | null;
}

function loadSaved(): Saved | null {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Saved>;
    if (!s || !NET_IDS.includes(s.net as NetId) || typeof s.overrides !== 'object' || s.overrides === null) return null;
    return { net: s.net as NetId, overrides: s.overrides, presetId: typeof s.presetId === 'string' ? s.presetId : null };
  } catch {
    return null;
  }
}

type Validation = Response<'spec.validate'>;
type Estimate = Response<'spec.estimate'>;

export const useDraftStore = defineStore('draft', () => {
  const registry = useRegistryStore();
  const saved = loadSaved();

  const net = ref<NetId>(saved?.net ?? 'fc');
  const overrides = ref<Overrides>(saved?.overrides ?? {});
  const presetId = ref<string | null>(saved?.presetId ?? null);
  const stepIndex = ref(0);
  /** Whether the draft was restored from an earlier session (the wizard says so and offers to start over). */
  const restored = ref(saved !== null && Object.keys(saved.overrides).length > 0);

  const server = ref<{ key: string; result: Validation } | null>(null);
  const estimate = ref<{ key: string; result: Estimate } | null>(null);
  const serverError = ref<string | null>(null);
  const estimateError = ref<string | null>(null);
  const checking = ref(false);

  const defaults = computed<RunSpec>(() => registry.registry?.defaults[net.value] ?? defaultSpec(net.value));
  const input = computed(() => buildInput(net.value, defaults.value, overrides.value));
  const inputKey = computed(() => JSON.stringify(input.value));
  const local = computed(() => validateLocal(input.value));

  /** Main's verdict, if it is for the current input. */
  const verdict = computed(() => (server.value && server.value.key === inputKey.value ? server.value.result : null));
  const currentEstimate = computed(() => (estimate.value && estimate.value.key === inputKey.value ? estimate.value.result : null));

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
    const extra = datasetIssue.value ? [datasetIssue.value] : [];
    if (!local.value.ok) return [...local.value.issues, ...extra];
    const v = verdict.value;
    return [...(v && !v.ok ? v.issues.map(friendly) : []), ...extra];
  });
  const issueMap = computed(() => issuesByPath(issues.value));
  const errorSteps = computed(() => stepsWithIssues(issues.value));
  const resolved = computed<RunSpec | null>(() => {
    const v = verdict.value;
    if (v && v.ok) return v.spec;
    return local.value.ok ? local.value.spec : null;
  });
  const step = computed<StepId>(() => WIZARD_STEPS[stepIndex.value].id);

  watch(
    [net, overrides, presetId],
    () => {
      try {
        window.localStorage.setItem(STORAGE_KEY, JSON.stringify({ net: net.value, overrides: overrides.value, presetId: presetId.value }));
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
    if (!netFitsDataset(net.value, id)) {
      const nets = registry.registry?.nets.map((n) => n.id as NetId) ?? [...NET_IDS];
      const fit = nets.find((n) => netFitsDataset(n, id));
      if (fit) net.value = fit;
    }
    set('dataset.id', id);
  }

  function applyPreset(id: string): void {
    const p = registry.registry?.presets.find((x) => x.id === id);
    if (!p || p.spec.kind === 'experiment') return; // experiment presets belong to the experiment wizard
    net.value = p.spec.net;
    overrides.value = flattenSpec(p.spec);
    presetId.value = id;
    restored.value = false;
  }

  /** Back to the paper defaults of FC/MNIST, first step. */
  function resetAll(): void {
    net.value = 'fc';
    overrides.value = {};
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
   * The spec to send, or null while anything is invalid or unchecked. The estimate must be in (or have
   * failed) too, so a long run can never start without its warning.
   */
  const sendable = computed<RunSpecInput | null>(() => {
    if (!local.value.ok || datasetIssue.value) return null;
    const v = verdict.value;
    if (!v || !v.ok) return null;
    if (!currentEstimate.value && !estimateError.value) return null;
    return input.value as RunSpecInput;
  });

  return {
    net,
    overrides,
    presetId,
    stepIndex,
    step,
    restored,
    defaults,
    input,
    inputKey,
    local,
    verdict,
    currentEstimate,
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
    applyPreset,
    resetAll,
    goTo,
    check,
  };
});
