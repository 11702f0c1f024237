// What the app offers: nets, criteria, actions, optimizers, backends, presets and per-net paper defaults
// (registry.get), which datasets are available (datasets.list) and facts about the app (app.info).
// Loaded once; the wizard is built from this, never from lists hard-coded in the renderer.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { DatasetStatus, Registry, Response } from '../../../common/contract';
import { getApi } from '../api';
import { errorMessage } from '../lib/format';

export const useRegistryStore = defineStore('registry', () => {
  const registry = ref<Registry | null>(null);
  const datasets = ref<DatasetStatus[]>([]);
  const info = ref<Response<'app.info'> | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(false);
  /** The CIFAR-10 folder last checked, and whether a check is in flight. */
  const checkedCifarPath = ref<string | undefined>(undefined);
  const checkingDatasets = ref(false);
  let loadPromise: Promise<void> | null = null;
  let checkSeq = 0;

  const ready = computed(() => registry.value !== null);

  /** Load everything once (concurrent callers share one request). */
  function load(): Promise<void> {
    if (registry.value) return Promise.resolve();
    if (loadPromise) return loadPromise;
    loading.value = true;
    error.value = null;
    const api = getApi();
    loadPromise = Promise.all([api.call('registry.get', {}), api.call('datasets.list', {}), api.call('app.info', {})])
      .then(([r, d, i]) => {
        registry.value = r;
        datasets.value = d;
        info.value = i;
      })
      .catch((err) => {
        error.value = `Could not load the app's settings: ${errorMessage(err)}`;
        loadPromise = null;
      })
      .finally(() => {
        loading.value = false;
      });
    return loadPromise;
  }

  /** Re-check dataset availability, optionally with a CIFAR-10 folder the user typed. Last call wins. */
  async function checkDatasets(cifar10Path?: string): Promise<void> {
    const seq = ++checkSeq;
    checkingDatasets.value = true;
    try {
      const path = cifar10Path?.trim() || undefined;
      const list = await getApi().call('datasets.list', path ? { cifar10Path: path } : {});
      if (seq !== checkSeq) return;
      datasets.value = list;
      checkedCifarPath.value = path;
    } catch (err) {
      if (seq === checkSeq) error.value = `Could not check the datasets: ${errorMessage(err)}`;
    } finally {
      if (seq === checkSeq) checkingDatasets.value = false;
    }
  }

  /** Re-read app.info (the backend becomes known once a run has started). */
  async function refreshInfo(): Promise<void> {
    try {
      info.value = await getApi().call('app.info', {});
    } catch {
      /* keep what we have; the banner reports connection problems */
    }
  }

  function dataset(id: string): DatasetStatus | undefined {
    return datasets.value.find((d) => d.id === id);
  }

  return { registry, datasets, info, error, loading, ready, checkedCifarPath, checkingDatasets, load, checkDatasets, refreshInfo, dataset };
});
