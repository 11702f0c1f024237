import { describe, expect, it } from 'vitest';
import { parseHash, routeHash } from './routes';

describe('hash routes', () => {
  it('parses and formats the screens', () => {
    expect(parseHash('')).toEqual({ name: 'home' });
    expect(parseHash('#/')).toEqual({ name: 'home' });
    expect(parseHash('#/new')).toEqual({ name: 'new' });
    expect(parseHash('#/runs/abc123ef')).toEqual({ name: 'run', id: 'abc123ef' });
    expect(parseHash('#/runs/NOT-HEX')).toEqual({ name: 'home' });
    expect(parseHash('#/experiments/0f1e2d3c')).toEqual({ name: 'experiment', id: '0f1e2d3c' });
    expect(parseHash('#/experiments/xyz')).toEqual({ name: 'home' });
    expect(parseHash('#/settings')).toEqual({ name: 'settings' });
    for (const r of [{ name: 'home' }, { name: 'new' }, { name: 'run', id: '0123abcd' }, { name: 'experiment', id: 'cafe0123' }, { name: 'settings' }] as const) {
      expect(parseHash(routeHash(r))).toEqual(r);
    }
  });
});
