import { describe, expect, it } from 'vitest';
import { CRITERION_IDS, MASK0_IDS, MASK1_IDS } from '../../../src/common/spec';
import { CRITERIA_LIST, MASK0_LIST, MASK1_LIST } from '../../../src/main/science/registry';
import * as science from '../../../src/main/science';

describe('registry lists for the UI and CLI', () => {
  it('list every id of spec.ts, in order, as plain {id, label, description}', () => {
    expect(CRITERIA_LIST.map((e) => e.id)).toEqual([...CRITERION_IDS]);
    expect(MASK1_LIST.map((e) => e.id)).toEqual([...MASK1_IDS]);
    expect(MASK0_LIST.map((e) => e.id)).toEqual([...MASK0_IDS]);
    for (const e of [...CRITERIA_LIST, ...MASK1_LIST, ...MASK0_LIST]) {
      expect(Object.keys(e).sort()).toEqual(['description', 'id', 'label']);
      expect(JSON.parse(JSON.stringify(e))).toEqual(e); // serialisable over IPC
    }
  });

  it('labels are unique within each list', () => {
    for (const list of [CRITERIA_LIST, MASK1_LIST, MASK0_LIST]) expect(new Set(list.map((e) => e.label)).size).toBe(list.length);
  });

  it('the index re-exports the public API', () => {
    for (const name of ['initNet', 'glorotNormal', 'CRITERIA', 'MASK1', 'MASK0', 'pruneLayer', 'lotteryStep', 'bestSignificant', 'summarize', 'stream']) {
      expect(name in science).toBe(true);
    }
  });
});
