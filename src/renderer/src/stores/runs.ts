// Every run's true state: summaries from runs.list, details from runs.get, and live updates from the
// four contract events. This store owns the event subscriptions; components only read it.
//
// Consistency rules:
//  - Subscribe first, then list, so no event falls between the two.
//  - Events for a run whose detail is being fetched are buffered and replayed on top of the fetched
//    detail (upserts dedupe, so replaying an event the fetch already included is harmless).
//  - A status event for a run we do not know (created elsewhere, e.g. by the CLI on the same store)
//    or a terminal status triggers a re-list, so timestamps and errors come from the store.
//  - After the event stream reconnects (browser mode), while anything is queued or running, and whenever
//    the window becomes visible again, the list is re-read, so the UI converges even if events were lost.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Events, ProgressEvent, RunDetail, RunStatus, RunSummary } from '../../../common/contract';
import type { RunSpecInput } from '../../../common/spec';
import { getApi, onConnectionChange } from '../api';
import type { LossSample } from '../lib/chart-data';
import { errorMessage } from '../lib/format';
import { isActive, isTerminal, newestFirst, pushLoss, upsertEval, upsertRound } from '../lib/run-state';
import { useRegistryStore } from './registry';

const RESYNC_MS = 10_000;
const LIST_LIMIT = 500;

type Pending = (detail: RunDetail) => void;

export const useRunsStore = defineStore('runs', () => {
  const byId = ref<Record<string, RunSummary>>({});
  const details = ref<Record<string, RunDetail>>({});
  const detailErrors = ref<Record<string, string>>({});
  const progress = ref<Record<string, ProgressEvent>>({});
  const liveLoss = ref<Record<string, { round: number; samples: LossSample[] }>>({});
  const loaded = ref(false);
  const error = ref<string | null>(null);

  const loadingDetail = new Map<string, Promise<RunDetail | null>>();
  const pending = new Map<string, Pending[]>();
  let started = false;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  let refreshing: Promise<void> | null = null;

  const list = computed(() => Object.values(byId.value).sort(newestFirst));
  const activeCount = computed(() => list.value.filter((r) => isActive(r.status)).length);

  // ---------- event handling ----------

  /** Apply a change to a run's detail now, or after its in-flight fetch lands. */
  function withDetail(runId: string, apply: Pending): void {
    const d = details.value[runId];
    if (d) apply(d);
    if (loadingDetail.has(runId)) {
      const list = pending.get(runId) ?? [];
      list.push(apply);
      pending.set(runId, list);
    }
  }

  function onProgress(ev: Events['run.progress']): void {
    progress.value[ev.runId] = ev;
    liveLoss.value[ev.runId] = pushLoss(liveLoss.value[ev.runId], ev);
    const s = byId.value[ev.runId];
    if (s) {
      s.currentRound = ev.round;
      s.currentIteration = ev.iteration;
      if (s.status === 'queued') s.status = 'running';
    } else scheduleRefresh();
  }

  function onEval(ev: Events['run.eval']): void {
    withDetail(ev.runId, (d) => upsertEval(d, ev.round, ev.point));
  }

  function onRound(ev: Events['run.round']): void {
    const s = byId.value[ev.runId];
    if (s) s.roundsDone = Math.max(s.roundsDone, ev.round.round + 1);
    withDetail(ev.runId, (d) => upsertRound(d, ev.round));
  }

  function onStatus(ev: Events['run.status']): void {
    const s = byId.value[ev.runId];
    if (!s) {
      scheduleRefresh();
      return;
    }
    const was = s.status;
    s.status = ev.status;
    s.error = ev.error;
    if (ev.backend) {
      s.backend = ev.backend;
      // The app-wide backend (shown in the top bar) is known once a worker has picked one.
      const registry = useRegistryStore();
      if (registry.info && !registry.info.backend) void registry.refreshInfo();
    }
    if (isTerminal(ev.status) || ev.status === 'queued') {
      delete progress.value[ev.runId];
      if (ev.status !== 'queued') delete liveLoss.value[ev.runId];
    }
    // Timestamps, round counts and the detail's final state come from the store.
    if (was !== ev.status) {
      scheduleRefresh();
      if (details.value[ev.runId] && isTerminal(ev.status)) void loadDetail(ev.runId, { force: true });
    }
  }

  // ---------- loading ----------

  function applyList(runs: RunSummary[]): void {
    const next: Record<string, RunSummary> = {};
    for (const r of runs) {
      // A progress event newer than the list keeps its finer-grained position.
      const p = progress.value[r.id];
      if (p && r.status === 'running' && p.round >= (r.currentRound ?? 0)) {
        const listed = p.round === r.currentRound ? (r.currentIteration ?? 0) : 0;
        r.currentRound = p.round;
        r.currentIteration = Math.max(p.iteration, listed);
      }
      next[r.id] = r;
    }
    byId.value = next;
  }

  /** Re-read the run list (coalesces concurrent calls). */
  function refresh(): Promise<void> {
    if (refreshing) return refreshing;
    refreshing = getApi()
      .call('runs.list', { limit: LIST_LIMIT })
      .then((runs) => {
        applyList(runs);
        loaded.value = true;
        error.value = null;
      })
      .catch((err) => {
        error.value = `Could not load the runs: ${errorMessage(err)}`;
      })
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  }

  function scheduleRefresh(delayMs = 150): void {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void refresh();
    }, delayMs);
  }

  /** Fetch a run's full detail (spec, rounds, curves). Concurrent calls share one request. */
  function loadDetail(id: string, opts: { force?: boolean } = {}): Promise<RunDetail | null> {
    const inflight = loadingDetail.get(id);
    if (inflight && !opts.force) return inflight;
    if (details.value[id] && !opts.force) return Promise.resolve(details.value[id]);
    const p = getApi()
      .call('runs.get', { id })
      .then((d) => {
        if (loadingDetail.get(id) !== p) return details.value[id] ?? d; // a newer fetch superseded this one
        for (const apply of pending.get(id) ?? []) apply(d);
        pending.delete(id);
        details.value[id] = d;
        byId.value[id] = { ...d.summary };
        delete detailErrors.value[id];
        return details.value[id];
      })
      .catch((err) => {
        detailErrors.value[id] = errorMessage(err);
        return null;
      })
      .finally(() => {
        if (loadingDetail.get(id) === p) loadingDetail.delete(id);
      });
    loadingDetail.set(id, p);
    return p;
  }

  /** Subscribe to events and load the list. Safe to call more than once. */
  function start(): void {
    if (started) return;
    started = true;
    const api = getApi();
    api.on('run.progress', onProgress);
    api.on('run.eval', onEval);
    api.on('run.round', onRound);
    api.on('run.status', onStatus);
    void refresh();
    // Browser mode: events sent while the WebSocket was down are not replayed, so re-read on reconnect.
    let wasConnected = true;
    onConnectionChange((connected) => {
      if (connected && !wasConnected) resync();
      wasConnected = connected;
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') resync();
    });
    setInterval(() => {
      if (activeCount.value > 0 && document.visibilityState !== 'hidden') resync();
    }, RESYNC_MS);
  }

  /** Re-read the list and the details of open runs whose state moved on. */
  function resync(): void {
    const before = Object.fromEntries(Object.entries(byId.value).map(([id, r]) => [id, `${r.status}/${r.roundsDone}`]));
    void refresh().then(() => {
      for (const id of Object.keys(details.value)) {
        const r = byId.value[id];
        if (r && before[id] !== `${r.status}/${r.roundsDone}`) void loadDetail(id, { force: true });
      }
    });
  }

  // ---------- actions ----------

  async function create(spec: RunSpecInput): Promise<{ id: string; existed: boolean; status: RunStatus }> {
    const res = await getApi().call('runs.create', { spec });
    await refresh();
    return res;
  }

  async function cancel(id: string): Promise<RunStatus> {
    const res = await getApi().call('runs.cancel', { id });
    const s = byId.value[id];
    if (s && res.status !== 'running') s.status = res.status;
    scheduleRefresh();
    return res.status;
  }

  async function resume(id: string): Promise<RunStatus> {
    const res = await getApi().call('runs.resume', { id });
    const s = byId.value[id];
    if (s) s.status = res.status;
    scheduleRefresh();
    return res.status;
  }

  async function remove(id: string): Promise<boolean> {
    const res = await getApi().call('runs.delete', { id });
    if (res.deleted) {
      delete byId.value[id];
      delete details.value[id];
      delete progress.value[id];
      delete liveLoss.value[id];
    }
    return res.deleted;
  }

  return {
    byId,
    details,
    detailErrors,
    progress,
    liveLoss,
    loaded,
    error,
    list,
    activeCount,
    start,
    refresh,
    resync,
    loadDetail,
    create,
    cancel,
    resume,
    remove,
  };
});
