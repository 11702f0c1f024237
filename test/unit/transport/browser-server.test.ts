// The browser-mode server end to end, over real sockets with the real app services: where it listens,
// the token on every kind of request, static files (MIME types, CSP, no traversal), request-body limits,
// the events WebSocket, and the renderer's HTTP client (src/renderer/src/api/http.ts) against it.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Events } from '../../../src/common/contract';
import { startBrowserServer } from '../../../src/main/transport/browser-server';
import { ApiError } from '../../../src/renderer/src/api/errors';
import { createHttpApi, type WebSocketConstructor } from '../../../src/renderer/src/api/http';
import { call, rawRequest, SECRET, startHarness, type Harness } from './harness';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.close();
});

/** Open a WebSocket and report how the upgrade went: 'open', or the HTTP status of the refusal. */
function tryWebSocket(url: string, headers: Record<string, string> = {}): Promise<{ outcome: 'open' | number; ws: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ outcome: 'open', ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ outcome: res.statusCode ?? 0, ws });
      res.resume();
    });
    ws.once('error', (err) => reject(err));
  });
}

/** Resolve with the first message satisfying `match`. */
function nextMessage(ws: WebSocket, match: (m: { type: string; event?: string; payload?: unknown }) => boolean, timeoutMs = 20_000) {
  return new Promise<{ type: string; event?: string; payload?: unknown }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching WebSocket message')), timeoutMs);
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (match(m)) {
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
}

describe('listening', () => {
  it('binds 127.0.0.1 only and prints a tokenised URL', () => {
    expect(harness.server.host).toBe('127.0.0.1');
    expect(harness.server.origin).toBe(`http://127.0.0.1:${harness.server.port}`);
    expect(harness.server.url).toBe(`${harness.server.origin}/?token=${harness.server.token}`);
    expect(harness.server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is not reachable on another local address', async () => {
    // 127.0.0.2 is loopback too (Linux routes all of 127/8), but the server is bound to 127.0.0.1 alone.
    const outcome = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: '127.0.0.2', port: harness.server.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(outcome).not.toBe('connected');
  });

  it('refuses requests whose Host header is not ours (DNS rebinding)', async () => {
    const res = await rawRequest(harness.server.port, { path: `/?token=${harness.server.token}`, headers: { Host: 'evil.example:80' } });
    expect(res.status).toBe(403);
  });
});

describe('access token', () => {
  it('answers an API call without a token with 401, and with a wrong token with 403', async () => {
    const noToken = await rawRequest(harness.server.port, {
      method: 'POST',
      path: '/api/call/app.info',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(noToken.status).toBe(401);
    expect(noToken.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await call(harness, 'app.info', {}, 'x'.repeat(43));
    expect(wrong.status).toBe(403);
    expect(wrong.body.ok).toBe(false);
  });

  it('does not accept the static-file cookie (or ?token=) for API calls', async () => {
    const { token, port } = harness.server;
    const res = await rawRequest(port, {
      method: 'POST',
      path: `/api/call/app.info?token=${token}`,
      headers: { 'Content-Type': 'application/json', Cookie: `ticketlab_token_${port}=${token}` },
      body: '{}',
    });
    expect(res.status).toBe(401);
  });

  it('answers a call with the right token', async () => {
    const res = await call(harness, 'app.info', {});
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect((res.body.result as { mode: string }).mode).toBe('browser');
  });

  it('requires the token for static files: 401 without, 403 wrong, 200 with (then via the cookie it sets)', async () => {
    const { port, token } = harness.server;
    expect((await rawRequest(port, { path: '/' })).status).toBe(401);
    expect((await rawRequest(port, { path: '/?token=wrong' })).status).toBe(403);
    const ok = await rawRequest(port, { path: `/?token=${token}` });
    expect(ok.status).toBe(200);
    const cookie = String(ok.headers['set-cookie']?.[0] ?? '');
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const cookiePair = cookie.split(';')[0]!;
    const asset = await rawRequest(port, { path: '/assets/app.js', headers: { Cookie: cookiePair } });
    expect(asset.status).toBe(200);
    expect((await rawRequest(port, { path: '/assets/app.js', headers: { Cookie: `ticketlab_token_${port}=nope` } })).status).toBe(403);
  });

  it('refuses a WebSocket upgrade without a token (401), with a wrong one (403), from another origin (403)', async () => {
    const base = `ws://127.0.0.1:${harness.server.port}/api/events`;
    expect((await tryWebSocket(base)).outcome).toBe(401);
    expect((await tryWebSocket(`${base}?token=wrong`)).outcome).toBe(403);
    const foreign = await tryWebSocket(`${base}?token=${harness.server.token}`, { Origin: 'http://evil.example' });
    expect(foreign.outcome).toBe(403);
    const ours = await tryWebSocket(`${base}?token=${harness.server.token}`, { Origin: harness.server.origin });
    expect(ours.outcome).toBe('open');
    ours.ws.close();
  });
});

describe('static files', () => {
  const get = (path: string) => rawRequest(harness.server.port, { path: `${path}${path.includes('?') ? '&' : '?'}token=${harness.server.token}` });

  it('serves index.html and assets with their MIME types and the CSP header', async () => {
    const index = await get('/');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('<title>Ticket Lab</title>');
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`ws://127.0.0.1:${harness.server.port}`);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect((await get('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/.hidden',
    '/assets/%00.js',
    '/%E0%A4%A',
  ])('refuses %s', async (path) => {
    const res = await get(path);
    expect([400, 403, 404]).toContain(res.status);
    expect(res.body).not.toContain(SECRET);
  });

  it('allows only GET and HEAD', async () => {
    const res = await rawRequest(harness.server.port, { method: 'PUT', path: `/index.html?token=${harness.server.token}`, body: 'x' });
    expect(res.status).toBe(405);
    const head = await rawRequest(harness.server.port, { method: 'HEAD', path: `/index.html?token=${harness.server.token}` });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });
});

describe('request bodies', () => {
  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest(harness.server.port, {
      method: 'POST',
      path: '/api/call/app.info',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${harness.server.token}`, ...headers },
      body,
    });

  it('answers malformed JSON with 400 invalid_request and the parse error', async () => {
    const res = await post('{"spec": ');
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toMatch(/^request body is not valid JSON: /);
  });

  it('treats an empty body as {}', async () => {
    const res = await post('');
    expect(res.status).toBe(200);
  });

  it('refuses bodies over 1 MB with 413', async () => {
    const res = await post(Buffer.alloc(1024 * 1024 + 10, 0x20));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.message).toContain('limit');
  });

  it('refuses a body that is not declared as JSON with 415', async () => {
    const res = await post('{}', { 'Content-Type': 'text/plain' });
    expect(res.status).toBe(415);
  });

  it('refuses GET on a call route with 405', async () => {
    const res = await rawRequest(harness.server.port, { path: '/api/call/app.info', headers: { Authorization: `Bearer ${harness.server.token}` } });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });
});

describe('events WebSocket and the renderer client', () => {
  const client = () =>
    createHttpApi({
      baseUrl: harness.server.origin,
      token: harness.server.token,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      reconnect: { minMs: 50, maxMs: 200 },
    });

  it('the client makes calls and turns contract errors into ApiError', async () => {
    const api = client();
    const info = await api.call('app.info', {});
    expect(info.mode).toBe('browser');
    const registry = await api.call('registry.get', {});
    expect(registry.nets.map((n) => n.id)).toContain('fc');
    const err = await api.call('runs.get', { id: 'zz' as string }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('invalid_request');
    const missing = await api.call('runs.get', { id: 'abcdef0123' }).catch((e: unknown) => e);
    expect((missing as ApiError).code).toBe('not_found');
    expect((missing as ApiError).message).not.toMatch(/\n\s+at\s/);
    api.close();
  });

  it('the client without a token fails with a clear ApiError', async () => {
    const api = createHttpApi({ baseUrl: harness.server.origin, token: null });
    await expect(api.call('app.info', {})).rejects.toThrow(/access token/);
  });

  it('delivers service events over the WebSocket, and the client reconnects when the server restarts', async () => {
    const api = client();
    const statuses: Events['run.status'][] = [];
    api.on('run.status', (e) => statuses.push(e));
    const states: boolean[] = [];
    api.onConnectionChange((c) => states.push(c));
    await expect.poll(() => api.connected, { timeout: 10_000 }).toBe(true);

    // A raw socket too, to pin the wire format.
    const raw = await tryWebSocket(`ws://127.0.0.1:${harness.server.port}/api/events?token=${harness.server.token}`);
    expect(raw.outcome).toBe('open');
    const onWire = nextMessage(raw.ws, (m) => m.type === 'event' && m.event === 'run.status');

    const spec = (seed: number) => ({
      net: 'fc' as const,
      seed,
      training: { iterations: 20, evalEvery: 10, batchSize: 10 },
      pruning: { rounds: 1 },
      dataset: { trainLimit: 100, testLimit: 100, validation: 50 },
    });
    const first = await api.call('runs.create', { spec: spec(7) });
    expect(first.existed).toBe(false);
    expect(await onWire).toMatchObject({ type: 'event', event: 'run.status', payload: { runId: first.id, status: 'queued' } });
    await expect.poll(() => statuses.some((s) => s.runId === first.id), { timeout: 10_000 }).toBe(true);
    raw.ws.close();

    // Restart the server on the same port with the same token (as an open page would see it).
    const { port, token } = harness.server;
    await harness.server.close();
    await expect.poll(() => api.connected, { timeout: 10_000 }).toBe(false);
    harness.server = await startBrowserServer({ services: harness.services, rendererDir: harness.rendererDir, port, token, log: () => undefined });
    await expect.poll(() => api.connected, { timeout: 10_000 }).toBe(true);
    expect(states).toEqual([false, true, false, true]);

    const second = await api.call('runs.create', { spec: spec(8) });
    await expect.poll(() => statuses.some((s) => s.runId === second.id && s.status === 'queued'), { timeout: 10_000 }).toBe(true);

    // Stop both runs before they cost CPU (one may already be done: that answer is fine too).
    for (const id of [first.id, second.id]) await api.call('runs.cancel', { id }).catch(() => undefined);
    api.close();
    expect(api.connected).toBe(false);
  });
});
