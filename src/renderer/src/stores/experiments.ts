// Experiments (issue #4): the list for Home (experiments.list) and the detail of each open experiment
// (experiments.get, with the user's α). An experiment's statistics change when one of its runs changes
// status or finishes a round, so this store listens to run.status and run.round and re-reads, at most once
// every REFRESH_MS per experiment (a burst of events from parallel runs costs one request). Like the runs
// store, it re-reads after a reconnect, when the window becomes visible, and every RESYNC_MS while any
// experiment has runs queued or running, so it converges even if events were lost.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ExperimentDetail, ExperimentSummary, Response } from '../../../common/contract';
import { getApi, onConnectionChange } from '../api';
import { errorMessage } from '../lib/format';
import { throttle, type Throttled } from '../lib/throttle';
import { useRunsStore } from './runs';

/** Fastest refresh of one experiment (and of the list) while its runs send events. */
export const REFRESH_MS = 1500;
const RESYNC_MS = 10_000;
const LIST_LIMIT = 200;

export function isExperimentActive(s: Pick<ExperimentSummary, 'running' | 'queued'>): boolean {
  return s.running + s.queued > 0;
}

export const useExperimentsStore = defineStore('experiments', () => {
  const list = ref<ExperimentSummary[]>([]);
  const loaded = ref(false);
  const error = ref<string | null>(null);
  const details = ref<Record<string, ExperimentDetail>>({});
  const detailErrors = ref<Record<string, string>>({});
  /** α chosen per experiment in its view (absent: the experiment's own, 0.05 unless its spec says otherwise). */
  const alphas = ref<Record<string, number>>({});

  /** Open experiment views (id → how many), whose details follow the run events. */
  const watched = new Map<string, number>();
  const detailThrottles = new Map<string, Throttled>();
  const detailSeq = new Map<string, number>();
  let listing: Promise<void> | null = null;
  let started = false;

  const anyActive = computed(() => list.value.some(isExperimentActive));

  // ---------- loading ----------

  /** Re-read the list (coalesces concurrent calls). */
  function refreshList(): Promise<void> {
    if (listing) return listing;
    listing = getApi()
      .call('experiments.list', { limit: LIST_LIMIT })
      .then((l) => {
        list.value = l;
        loaded.value = true;
        error.value = null;
      })
      .catch((err) => {
        error.value = `Could not load the experiments: ${errorMessage(err)}`;
      })
      .finally(() => {
        listing = null;
      });
    return listing;
  }
  const listThrottle = throttle(() => void refreshList(), REFRESH_MS);

  /** Fetch an experiment's statistics with its chosen α. A newer request supersedes older ones. */
  async function loadDetail(id: string): Promise<ExperimentDetail | null> {
    const seq = (detailSeq.get(id) ?? 0) + 1;
    detailSeq.set(id, seq);
    const alpha = alphas.value[id];
    try {
      const d = await getApi().call('experiments.get', alpha === undefined ? { id } : { id, alpha });
      if (detailSeq.get(id) !== seq) return details.value[id] ?? d;
      details.value[id] = d;
      delete detailErrors.value[id];
      // Keep the list's row in step with the detail (Home shows the same counts).
      const i = list.value.findIndex((e) => e.id === id);
      if (i >= 0) list.value[i] = d.summary;
      return d;
    } catch (err) {
      if (detailSeq.get(id) === seq) detailErrors.value[id] = errorMessage(err);
      return null;
    }
  }

  function detailThrottle(id: string): Throttled {
    let t = detailThrottles.get(id);
    if (!t) {
      t = throttle(() => void loadDetail(id), REFRESH_MS);
      detailThrottles.set(id, t);
    }
    return t;
  }

  // ---------- events ----------

  /** Whether a run belongs to an experiment we have the detail of (unknown detail: assume it might). */
  function concerns(id: string, runId: string): boolean {
    const d = details.value[id];
    if (!d) return true;
    return d.runs.some((r) => r.id === runId) || d.variants.some((v) => v.runIds.includes(runId));
  }

  function onRunEvent(ev: { runId: string }): void {
    listThrottle.call();
    for (const id of watched.keys()) if (concerns(id, ev.runId)) detailThrottle(id).call();
  }

  function resync(): void {
    listThrottle.call();
    for (const id of watched.keys()) detailThrottle(id).call();
  }

  /** Subscribe to run events and load the list. Safe to call more than once. */
  function start(): void {
    if (started) return;
    started = true;
    const api = getApi();
    api.on('run.status', onRunEvent);
    api.on('run.round', onRunEvent);
    void refreshList();
    let wasConnected = true;
    onConnectionChange((connected) => {
      if (connected && !wasConnected) resync();
      wasConnected = connected;
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') resync();
    });
    setInterval(() => {
      const openActive = [...watched.keys()].some((id) => details.value[id] && isExperimentActive(details.value[id].summary));
      if ((anyActive.value || openActive) && document.visibilityState !== 'hidden') resync();
    }, RESYNC_MS);
  }

  /** An experiment view opened: load its detail now and keep it current. */
  function open(id: string): void {
    watched.set(id, (watched.get(id) ?? 0) + 1);
    void loadDetail(id);
  }

  function close(id: string): void {
    const n = (watched.get(id) ?? 1) - 1;
    if (n > 0) watched.set(id, n);
    else {
      watched.delete(id);
      detailThrottles.get(id)?.cancel();
      detailThrottles.delete(id);
    }
  }

  /** Re-query the statistics at another significance level. */
  function setAlpha(id: string, alpha: number): Promise<ExperimentDetail | null> {
    alphas.value[id] = alpha;
    return loadDetail(id);
  }

  // ---------- actions ----------

  async function create(spec: unknown): Promise<Response<'experiments.create'>> {
    const res = await getApi().call('experiments.create', { spec });
    await Promise.all([refreshList(), useRunsStore().refresh()]);
    return res;
  }

  async function cancel(id: string): Promise<number> {
    const res = await getApi().call('experiments.cancel', { id });
    await Promise.all([loadDetail(id), refreshList(), useRunsStore().refresh()]);
    return res.cancelled;
  }

  /** Queue again every member run that stopped (failed, cancelled, interrupted) from its last completed round. */
  async function resumeStopped(id: string): Promise<number> {
    const d = details.value[id] ?? (await loadDetail(id));
    if (!d) return 0;
    const runs = useRunsStore();
    const stopped = d.runs.filter((r) => r.status === 'failed' || r.status === 'cancelled' || r.status === 'interrupted');
    for (const r of stopped) await runs.resume(r.id);
    await Promise.all([loadDetail(id), refreshList()]);
    return stopped.length;
  }

  /** Every member run's rows (experiments.exportCsv). */
  function exportCsv(id: string): Promise<Response<'experiments.exportCsv'>> {
    return getApi().call('experiments.exportCsv', { id });
  }

  return {
    list,
    loaded,
    error,
    details,
    detailErrors,
    alphas,
    anyActive,
    start,
    refreshList,
    loadDetail,
    open,
    close,
    setAlpha,
    create,
    cancel,
    resumeStopped,
    exportCsv,
  };
});
