// A ref that follows a reactive getter at most once per `ms` (first change at once, the last one always
// lands). Live charts use it so a burst of progress events redraws a chart a few times per second,
// not once per event.
import { onScopeDispose, shallowRef, watch, type ShallowRef } from 'vue';

export function useThrottled<T>(getter: () => T, ms: number): Readonly<ShallowRef<T>> {
  const out = shallowRef(getter());
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    last = Date.now();
    out.value = getter();
  };
  watch(getter, () => {
    const wait = last + ms - Date.now();
    if (wait <= 0) flush();
    else if (!timer) timer = setTimeout(flush, wait);
  });
  onScopeDispose(() => {
    if (timer) clearTimeout(timer);
  });
  return out;
}
