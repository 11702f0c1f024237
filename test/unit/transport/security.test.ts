// The renderer's CSP (one policy: the <meta> tag in index.html and the headers must agree), the access
// token helpers, the preload's channel tables versus the contract, and the Electron URL guards.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANNELS, EVENT_NAMES } from '../../../src/common/contract';
import { isAllowedRequest, isRendererUrl, withCspHeader } from '../../../src/main/transport/electron-security';
import { BRIDGE_CHANNELS, BRIDGE_EVENTS } from '../../../src/main/transport/ipc-names';
import { contentSecurityPolicy, generateToken, tokensEqual } from '../../../src/main/transport/security';
import { repoRoot } from '../../helpers/tmp';

function metaCsp(): string {
  const html = readFileSync(path.join(repoRoot, 'src/renderer/index.html'), 'utf8');
  const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  if (!match) throw new Error('index.html has no CSP meta tag');
  return match[1]!;
}

describe('Content-Security-Policy', () => {
  it('index.html carries exactly the policy security.ts builds', () => {
    expect(metaCsp()).toBe(contentSecurityPolicy());
  });

  it('is strict about scripts and everything else', () => {
    const csp = contentSecurityPolicy({ header: true });
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*|https?:/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(contentSecurityPolicy()).not.toContain('frame-ancestors');
  });

  it('adds explicit connect sources', () => {
    expect(contentSecurityPolicy({ connectSrc: ['ws://127.0.0.1:5000'] })).toContain("connect-src 'self' ws://127.0.0.1:5000");
  });

  it('replaces any CSP header whatever its case', () => {
    const out = withCspHeader({ 'content-security-policy': ['default-src *'], 'X-Other': ['1'] }, "default-src 'none'");
    expect(out).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': ["default-src 'none'"] });
  });
});

describe('access token', () => {
  it('is random, URL-safe and 256 bits', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
  });

  it('compares exactly, whatever the lengths', () => {
    const t = generateToken();
    expect(tokensEqual(t, t)).toBe(true);
    expect(tokensEqual(`${t}x`, t)).toBe(false);
    expect(tokensEqual(t.slice(0, -1), t)).toBe(false);
    expect(tokensEqual('', t)).toBe(false);
  });
});

describe('preload channel tables', () => {
  it('match the contract exactly', () => {
    expect([...BRIDGE_CHANNELS].sort()).toEqual([...CHANNELS].sort());
    expect([...BRIDGE_EVENTS].sort()).toEqual([...EVENT_NAMES].sort());
  });
});

describe('Electron URL guards', () => {
  const built = { kind: 'file', dir: '/app/out/renderer' } as const;
  const dev = { kind: 'dev', url: 'http://localhost:5173/' } as const;

  it('trusts only pages of our renderer', () => {
    expect(isRendererUrl(built, 'file:///app/out/renderer/index.html')).toBe(true);
    expect(isRendererUrl(built, 'file:///app/out/renderer/index.html#/run/abc')).toBe(true);
    expect(isRendererUrl(built, 'file:///app/out/renderer-evil/index.html')).toBe(false);
    expect(isRendererUrl(built, 'file:///app/out/renderer/../main/index.js')).toBe(false);
    expect(isRendererUrl(built, 'file:///etc/passwd')).toBe(false);
    expect(isRendererUrl(built, 'https://example.com/')).toBe(false);
    expect(isRendererUrl(built, 'not a url')).toBe(false);
    expect(isRendererUrl(dev, 'http://localhost:5173/src/main.ts')).toBe(true);
    expect(isRendererUrl(dev, 'http://localhost:5174/')).toBe(false);
  });

  it('allows no remote requests', () => {
    expect(isAllowedRequest(built, 'file:///app/out/renderer/assets/index.js')).toBe(true);
    expect(isAllowedRequest(built, 'data:image/png;base64,AAAA')).toBe(true);
    expect(isAllowedRequest(built, 'blob:file:///1234')).toBe(true);
    expect(isAllowedRequest(built, 'devtools://devtools/bundled/inspector.html')).toBe(true);
    expect(isAllowedRequest(built, 'https://cdn.example.com/lib.js')).toBe(false);
    expect(isAllowedRequest(built, 'file:///home/user/.ssh/id_rsa')).toBe(false);
    expect(isAllowedRequest(dev, 'ws://localhost:5173/')).toBe(true);
    expect(isAllowedRequest(dev, 'http://localhost:5173/@vite/client')).toBe(true);
    expect(isAllowedRequest(dev, 'http://127.0.0.1:9999/')).toBe(false);
  });
});
