// Human names for registry ids (nets, criteria, actions, modes) and for experiment variants, e.g.
// { criterion: 'large_final', mask1: 'reinit' } → "Large final · Reinit". Pure; falls back to the ids.
import type { Registry } from '../../../common/contract';
import { AXES, type Axis } from '../../../common/experiment';

const MODE_LABELS: Record<string, string> = { iterative: 'Iterative', one_shot: 'One-shot' };

/** The registry's label of one value of an axis. */
export function axisValueLabel(registry: Registry | null, axis: Axis | string, id: string): string {
  if (axis === 'mode') return MODE_LABELS[id] ?? id;
  const list =
    axis === 'net'
      ? registry?.nets
      : axis === 'criterion'
        ? registry?.criteria
        : axis === 'mask1'
          ? registry?.mask1
          : axis === 'mask0'
            ? registry?.mask0
            : null;
  return list?.find((e) => e.id === id)?.label ?? id;
}

/** What the axes are called in sentences and table headers. */
export const AXIS_NAMES: Record<Axis, string> = {
  net: 'Network',
  mode: 'Pruning mode',
  criterion: 'Mask criterion',
  mask1: 'Mask-1 action',
  mask0: 'Mask-0 action',
};

/** A variant's name: its varying axes' labels in the canonical axis order, joined by " · ". */
export function variantName(registry: Registry | null, variant: Record<string, string>): string {
  const parts = AXES.filter((a) => variant[a] !== undefined).map((a) => axisValueLabel(registry, a, variant[a]));
  return parts.length ? parts.join(' · ') : 'All runs';
}
