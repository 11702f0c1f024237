// Golden run ids: a changed id means stored runs would no longer be found. If this fails, you changed
// the canonical form or a default — bump SPEC_SCHEMA_VERSION deliberately and note it in CHANGELOG.md.
import { describe, it, expect } from 'vitest';
import { resolveRunSpec, canonicalSpecString } from '../../../src/common/spec';
import { runIdOf } from '../../../src/main/runs/id';

const id = (s: unknown) => runIdOf(resolveRunSpec(s));

describe('run ids', () => {
  it('are pinned for known specs', () => {
    expect(id({ net: 'fc' })).toBe('9fb2e25315e51f0c');
    expect(id({ net: 'fc', seed: 1 })).toBe('9d10a18f238e033c');
    expect(id({ net: 'fc', training: { iterations: 3000, evalEvery: 500 }, pruning: { rounds: 8 } })).toBe('d5c2695b5427e33a');
    expect(id({ net: 'conv2', seed: 2, pruning: { criterion: 'random' } })).toBe('118e6119e72a8f96');
  });

  it('hash only the fields that differ from the net defaults, plus the schema version', () => {
    expect(canonicalSpecString(resolveRunSpec({ net: 'fc', seed: 0, training: { lr: 1.2e-3 } }))).toBe('{"net":"fc","v":1}');
    expect(canonicalSpecString(resolveRunSpec({ net: 'conv2', pruning: { criterion: 'random' }, seed: 2 }))).toBe(
      '{"net":"conv2","pruning.criterion":"random","seed":2,"v":1}',
    );
  });

  it('spelling out a default, or reordering keys, or renaming keeps the id', () => {
    const a = id({ net: 'fc', training: { iterations: 3000, evalEvery: 500 }, pruning: { rounds: 8 } });
    const b = id({
      name: 'another label',
      pruning: { criterion: 'large_final', mask1: 'rewind', mask0: 'zero', rounds: 8, rates: { dense: 0.2, output: 0.1 } },
      training: { evalEvery: 500, optimizer: 'adam', iterations: 3000, batchSize: 60 },
      dataset: { id: 'mnist' },
      backend: 'auto',
      net: 'fc',
    });
    expect(b).toBe(a);
  });

  it('differs when anything that changes the result differs', () => {
    const base = { net: 'fc', training: { iterations: 3000 } };
    const ids = new Set([
      id(base),
      id({ ...base, seed: 1 }),
      id({ ...base, pruning: { criterion: 'random' } }),
      id({ ...base, pruning: { mask1: 'reinit' } }),
      id({ ...base, pruning: { mode: 'one_shot' } }),
      id({ ...base, dataset: { id: 'fashion-mnist' } }),
      id({ ...base, dataset: { trainLimit: 1000 } }),
      id({ ...base, backend: 'cpu' }),
    ]);
    expect(ids.size).toBe(8);
  });

  it('the same spec in every example file maps to a 16-hex-digit id', () => {
    expect(id({ net: 'conv6' })).toMatch(/^[0-9a-f]{16}$/);
  });
});
