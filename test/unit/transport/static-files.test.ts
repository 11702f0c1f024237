// resolveStaticPath: URL path → file inside the renderer folder, and nothing outside it.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInside, mimeTypeOf, resolveStaticPath } from '../../../src/main/transport/static-files';
import { tempDir } from '../../helpers/tmp';

let dir: string;
let root: string;
let cleanup: () => void;

beforeAll(() => {
  ({ dir, cleanup } = tempDir('ticketlab-static-'));
  root = path.join(dir, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
  writeFileSync(path.join(root, 'assets', 'app.js'), '');
  writeFileSync(path.join(root, 'assets', 'with space.css'), '');
  writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  writeFileSync(path.join(dir, 'renderer-evil.txt'), 'sibling with a shared prefix');
  symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
  symlinkSync(path.join(root, 'assets', 'app.js'), path.join(root, 'assets', 'inner-link.js'));
});

afterAll(() => cleanup());

describe('resolveStaticPath', () => {
  it('maps / to index.html and finds assets (percent-decoded)', () => {
    expect(resolveStaticPath(root, '/')).toMatchObject({ ok: true, file: path.join(root, 'index.html') });
    expect(resolveStaticPath(root, '/assets/app.js')).toMatchObject({ ok: true });
    expect(resolveStaticPath(root, '/assets/with%20space.css')).toMatchObject({ ok: true });
    expect(resolveStaticPath(root, '/assets/inner-link.js')).toMatchObject({ ok: true });
  });

  it.each([
    ['/../secret.txt', 403],
    ['/assets/../../secret.txt', 403],
    ['/%2e%2e/secret.txt', 403],
    ['/assets/..%2f..%2fsecret.txt', 403],
    ['/..%5csecret.txt', 403],
    ['/./index.html', 403],
    ['/.env', 403],
    ['/assets/link.txt', 403],
    ['/../renderer-evil.txt', 403],
    ['/assets/%00', 400],
    ['/%E0%A4%A', 400],
    ['relative.txt', 400],
    ['/assets', 404],
    ['/nope.js', 404],
  ] as const)('refuses %s with %i', (raw, status) => {
    const out = resolveStaticPath(root, raw);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.status).toBe(status);
  });

  it('answers 404 when the renderer folder does not exist', () => {
    expect(resolveStaticPath(path.join(dir, 'missing'), '/')).toMatchObject({ ok: false, status: 404 });
  });
});

describe('isInside', () => {
  it('does not confuse a shared name prefix with containment', () => {
    expect(isInside('/a/renderer', '/a/renderer/x.js')).toBe(true);
    expect(isInside('/a/renderer', '/a/renderer')).toBe(true);
    expect(isInside('/a/renderer', '/a/renderer-evil/x.js')).toBe(false);
    expect(isInside('/a/renderer', '/a/x.js')).toBe(false);
  });
});

describe('mimeTypeOf', () => {
  it('knows what a Vite build emits', () => {
    expect(mimeTypeOf('index.html')).toBe('text/html; charset=utf-8');
    expect(mimeTypeOf('a.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeOf('a.css')).toBe('text/css; charset=utf-8');
    expect(mimeTypeOf('a.svg')).toBe('image/svg+xml');
    expect(mimeTypeOf('a.woff2')).toBe('font/woff2');
    expect(mimeTypeOf('a.wasm')).toBe('application/wasm');
    expect(mimeTypeOf('a.unknown')).toBe('application/octet-stream');
  });
});
