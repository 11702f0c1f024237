// Light or dark, following the operating system (prefers-color-scheme), shared by naive-ui and the charts.
import { computed, type ComputedRef } from 'vue';
import { useOsTheme } from 'naive-ui';

export function useDark(): ComputedRef<boolean> {
  const os = useOsTheme();
  return computed(() => os.value === 'dark');
}
