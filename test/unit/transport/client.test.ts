// Pure parts of the renderer's api client: taking the token out of the address bar, reconnect backoff,
// and the browser-mode server's command line.
import { describe, expect, it } from 'vitest';
import { parseServerArgs } from '../../../src/main/transport/server-args';
import { reconnectDelay } from '../../../src/renderer/src/api/http';
import { takeToken, TOKEN_STORAGE_KEY } from '../../../src/renderer/src/api/token';

function page(href: string) {
  const store = new Map<string, string>();
  const replaced: string[] = [];
  return {
    location: { href },
    history: { state: { keep: 1 }, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
    storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
    store,
    replaced,
  };
}

describe('takeToken', () => {
  it('takes the token from the URL, stores it, and strips it from the address bar', () => {
    const p = page('http://127.0.0.1:5000/?token=abc123&view=x#/run/42');
    expect(takeToken(p.location, p.history, p.storage)).toBe('abc123');
    expect(p.store.get(TOKEN_STORAGE_KEY)).toBe('abc123');
    expect(p.replaced).toEqual(['/?view=x#/run/42']);
  });

  it('falls back to sessionStorage after a reload, and to null', () => {
    const p = page('http://127.0.0.1:5000/');
    expect(takeToken(p.location, p.history, p.storage)).toBeNull();
    p.store.set(TOKEN_STORAGE_KEY, 'stored');
    expect(takeToken(p.location, p.history, p.storage)).toBe('stored');
    expect(p.replaced).toEqual([]);
  });
});

describe('reconnectDelay', () => {
  it('doubles from the minimum up to the cap, with ±20% jitter', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 10, 100].map((a) => reconnectDelay(a, 500, 10_000, mid))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000,
    ]);
    expect(reconnectDelay(0, 500, 10_000, () => 0)).toBe(400);
    expect(reconnectDelay(0, 500, 10_000, () => 1)).toBe(600);
  });
});

describe('parseServerArgs', () => {
  it('reads port, db, workers and renderer', () => {
    expect(parseServerArgs([])).toEqual({ port: 0, help: false });
    const out = parseServerArgs(['--port', '8123', '--db', 'x.sqlite', '--workers', '2', '--renderer', 'out/renderer']);
    expect(out.port).toBe(8123);
    expect(out.dbPath).toMatch(/\/x\.sqlite$/);
    expect(out.workers).toBe(2);
    expect(out.rendererDir).toMatch(/\/out\/renderer$/);
  });

  it('refuses bad values with a readable message', () => {
    expect(() => parseServerArgs(['--port', '70000'])).toThrow(/--port must be an integer from 0 to 65535/);
    expect(() => parseServerArgs(['--port', 'abc'])).toThrow(/--port/);
    expect(() => parseServerArgs(['--workers', '0'])).toThrow(/--workers/);
    expect(() => parseServerArgs(['--host', '0.0.0.0'])).toThrow(/Unknown option '--host'/);
  });
});
