// What the UI and the CLI list: id, label and one-line description of every criterion and action,
// in the order of the id lists in src/common/spec.ts.
import { CRITERION_IDS, MASK0_IDS, MASK1_IDS, type CriterionId, type Mask0Id, type Mask1Id } from '../../common/spec';
import { MASK0, MASK1 } from './actions';
import { CRITERIA } from './criteria';

export interface RegistryEntry<Id extends string> {
  id: Id;
  label: string;
  description: string;
}

function entries<Id extends string>(ids: readonly Id[], table: Record<Id, RegistryEntry<Id>>): RegistryEntry<Id>[] {
  return ids.map((id) => ({ id, label: table[id].label, description: table[id].description }));
}

export const CRITERIA_LIST: RegistryEntry<CriterionId>[] = entries(CRITERION_IDS, CRITERIA);
export const MASK1_LIST: RegistryEntry<Mask1Id>[] = entries(MASK1_IDS, MASK1);
export const MASK0_LIST: RegistryEntry<Mask0Id>[] = entries(MASK0_IDS, MASK0);
