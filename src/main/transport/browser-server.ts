// Browser mode: the contract over HTTP + WebSocket, for machines without the Electron binary or a display.
//
// Protocol (see README.md in this folder):
//   POST /api/call/<channel>   body: the request as JSON (empty body = {}), header `Authorization: Bearer <token>`
//                              → 200 {"ok":true,"result":…} | 4xx/5xx {"ok":false,"error":ContractError}
//   GET  /api/events?token=…   WebSocket upgrade; the server sends {"type":"ready"} once, then one
//                              {"type":"event","event":<name>,"payload":…} per contract event. Events only:
//                              calls always go over HTTP, so every call has a status code and a single reply.
//   GET  /<file>               the built renderer (out/renderer); authenticated by `?token=` (which also sets
//                              an HttpOnly cookie, so the page's own script and style requests carry it).
//
// Security: bound to 127.0.0.1 only; a random per-launch token on every request (missing → 401, wrong → 403,
// compared in constant time); Host and Origin checked against our own origin (no DNS rebinding, no
// cross-site WebSocket); API calls accept the token only in the Authorization header, so another local
// web page cannot ride on the cookie; request bodies capped (413); every response carries the renderer's CSP.
import http, { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { ContractError, EventName, Events } from '../../common/contract';
import { dispatch, logFailures, type DispatchResult, type TransportServices } from './dispatch';
import { contentSecurityPolicy, generateToken, tokensEqual } from './security';
import { mimeTypeOf, resolveStaticPath } from './static-files';

/** The only interface the server listens on. Not configurable on purpose. */
export const BIND_HOST = '127.0.0.1';
export const CALL_PREFIX = '/api/call/';
export const EVENTS_PATH = '/api/events';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Progress events are dropped for a client with this much unsent data (they are superseded anyway). */
const SLOW_CLIENT_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

export interface BrowserServerOptions {
  services: TransportServices;
  /** Folder of the built renderer (index.html + assets/). */
  rendererDir: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /**
   * Reuse an access token (at least 32 URL-safe characters) so a restart on the same port keeps open
   * pages working. Default, and what `npm start` does: a fresh random token per launch.
   */
  token?: string;
  maxBodyBytes?: number;
  /** Where to log handler failures (with stacks); default console.error. */
  log?: (line: string) => void;
}

export interface BrowserServer {
  readonly host: typeof BIND_HOST;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly token: string;
  /** The URL to open: origin + `/?token=…`. */
  readonly url: string;
  /** Stop accepting, close WebSockets (1001) and connections. Does not close the services. */
  close(): Promise<void>;
}

/** Messages on the events WebSocket, server → client. */
export type EventsWireMessage = { type: 'ready' } | { [E in EventName]: { type: 'event'; event: E; payload: Events[E] } }[EventName];

/** HTTP status for each contract error code. */
export function statusOf(error: ContractError): number {
  switch (error.code) {
    case 'invalid_request':
      return 400;
    case 'unknown_channel':
    case 'not_found':
      return 404;
    case 'failed':
      return 500;
  }
}

export async function startBrowserServer(opts: BrowserServerOptions): Promise<BrowserServer> {
  if (opts.token !== undefined && !/^[A-Za-z0-9_-]{32,}$/.test(opts.token)) {
    throw new Error('the access token must be at least 32 URL-safe characters (A-Z a-z 0-9 _ -)');
  }
  const token = opts.token ?? generateToken();
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = opts.log ?? ((line: string) => console.error(line));
  const server = http.createServer();
  const port = await listen(server, opts.port ?? 0);

  const origin = `http://${BIND_HOST}:${port}`;
  const allowedHosts = new Set([`${BIND_HOST}:${port}`, `localhost:${port}`]);
  const allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));
  const cookieName = `ticketlab_token_${port}`;
  const csp = contentSecurityPolicy({ header: true, connectSrc: [`ws://${BIND_HOST}:${port}`, `ws://localhost:${port}`] });
  const onError = logFailures(log);

  // ---------- auth ----------

  /** null when the token is right, otherwise the refusal status and message. */
  function checkToken(presented: string | null | undefined): { status: 401 | 403; message: string } | null {
    if (!presented) return { status: 401, message: 'missing access token: open the URL printed by `npm start` (it ends in ?token=…)' };
    if (!tokensEqual(presented, token))
      return { status: 403, message: 'wrong access token (it changes on every launch): open the URL printed by `npm start`' };
    return null;
  }

  function bearerToken(req: IncomingMessage): string | null {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    return match ? match[1]! : null;
  }

  function cookieToken(req: IncomingMessage): string | null {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === cookieName) return part.slice(eq + 1).trim();
    }
    return null;
  }

  // ---------- responses ----------

  function baseHeaders(res: ServerResponse): void {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-store');
  }

  function sendJson(res: ServerResponse, status: number, body: DispatchResult | { ok: false; error: ContractError }): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  function sendApiError(res: ServerResponse, status: number, code: ContractError['code'], message: string): void {
    sendJson(res, status, { ok: false, error: { code, message } });
  }

  function sendText(res: ServerResponse, status: number, message: string): void {
    const text = `${message}\n`;
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  // ---------- routes ----------

  async function handleApi(req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void> {
    const refused = checkToken(bearerToken(req));
    if (refused) {
      if (refused.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="ticketlab"');
      return sendApiError(res, refused.status, 'failed', refused.message);
    }
    if (rawPath === EVENTS_PATH) return sendApiError(res, 426, 'failed', `${EVENTS_PATH} is a WebSocket endpoint`);
    const rest = rawPath.startsWith(CALL_PREFIX) ? rawPath.slice(CALL_PREFIX.length) : null;
    if (rest === null || rest === '' || rest.includes('/')) {
      return sendApiError(res, 404, 'unknown_channel', `no API route ${rawPath}: calls are POST ${CALL_PREFIX}<channel>`);
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendApiError(res, 405, 'invalid_request', `calls must use POST (got ${req.method})`);
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      return sendApiError(res, 415, 'invalid_request', `request body must be JSON (Content-Type: application/json), got "${type || 'none'}"`);
    }
    let channel: string;
    try {
      channel = decodeURIComponent(rest);
    } catch {
      return sendApiError(res, 400, 'invalid_request', 'malformed percent-encoding in the channel name');
    }
    const body = await readBody(req, maxBody);
    if (!body.ok) {
      res.setHeader('Connection', 'close');
      return sendApiError(res, body.status, 'invalid_request', body.message);
    }
    let payload: unknown = {};
    if (body.text.trim() !== '') {
      try {
        payload = JSON.parse(body.text);
      } catch (err) {
        return sendApiError(res, 400, 'invalid_request', `request body is not valid JSON: ${(err as Error).message}`);
      }
    }
    const result = await dispatch(opts.services.handlers, channel, payload, { onError });
    sendJson(res, result.ok ? 200 : statusOf(result.error), result);
  }

  function handleStatic(req: IncomingMessage, res: ServerResponse, rawPath: string, query: URLSearchParams): void {
    const fromQuery = query.get('token');
    const refused = checkToken(fromQuery ?? cookieToken(req));
    if (refused) return sendText(res, refused.status, refused.message);
    if (fromQuery) {
      // The page strips ?token from the address bar; the cookie lets its own asset requests through.
      res.setHeader('Set-Cookie', `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendText(res, 405, `method ${req.method} not allowed here`);
    }
    if (!existsSync(path.join(opts.rendererDir, 'index.html'))) {
      return sendText(
        res,
        503,
        `the renderer is not built (${opts.rendererDir} has no index.html): run \`npx electron-vite build\` or \`npm start\``,
      );
    }
    const found = resolveStaticPath(opts.rendererDir, rawPath);
    if (!found.ok) return sendText(res, found.status, `${STATUS_CODES[found.status]}: ${found.reason}`);
    res.writeHead(200, { 'Content-Type': mimeTypeOf(found.file), 'Content-Length': found.size });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(found.file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    baseHeaders(res);
    if (!allowedHosts.has(req.headers.host ?? '')) {
      return sendText(res, 403, `unexpected Host header "${req.headers.host ?? ''}": use ${origin}`);
    }
    const { rawPath, query } = splitUrl(req.url);
    if (rawPath === null) return sendText(res, 400, 'malformed request target');
    if (rawPath === '/api' || rawPath.startsWith('/api/')) return handleApi(req, res, rawPath);
    return handleStatic(req, res, rawPath, query);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(req, res).catch((err: unknown) => {
      log(`ticketlab: request ${req.method} ${req.url} crashed: ${err instanceof Error ? err.stack : String(err)}`);
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  });

  // ---------- events WebSocket ----------

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  const clients = new Set<WebSocket & { alive?: boolean }>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const { rawPath, query } = splitUrl(req.url);
    if (!allowedHosts.has(req.headers.host ?? '')) return refuseUpgrade(socket, 403, 'unexpected Host header');
    if (rawPath !== EVENTS_PATH) return refuseUpgrade(socket, 404, `WebSockets are served at ${EVENTS_PATH} only`);
    const requestOrigin = req.headers.origin;
    if (requestOrigin !== undefined && !allowedOrigins.has(requestOrigin)) {
      return refuseUpgrade(socket, 403, `cross-origin WebSocket from ${requestOrigin} refused`);
    }
    const refused = checkToken(query.get('token'));
    if (refused) return refuseUpgrade(socket, refused.status, refused.message);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client = ws as WebSocket & { alive?: boolean };
      client.alive = true;
      clients.add(client);
      client.on('pong', () => (client.alive = true));
      client.on('message', () => client.close(1003, `events only: send calls as POST ${CALL_PREFIX}<channel>`));
      client.on('close', () => clients.delete(client));
      client.on('error', () => clients.delete(client));
      client.send(JSON.stringify({ type: 'ready' } satisfies EventsWireMessage));
    });
  });

  const unsubscribe = opts.services.subscribe((event, payload) => {
    if (clients.size === 0) return;
    const text = JSON.stringify({ type: 'event', event, payload } as EventsWireMessage);
    for (const client of clients) {
      if (client.readyState !== WebSocket.OPEN) continue;
      if (event === 'run.progress' && client.bufferedAmount > SLOW_CLIENT_BYTES) continue;
      client.send(text);
    }
  });

  // Drop clients that stopped answering pings (a laptop lid closed, a network namespace gone, …).
  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        client.terminate();
        continue;
      }
      client.alive = false;
      client.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  let closing: Promise<void> | null = null;
  async function close(): Promise<void> {
    unsubscribe();
    clearInterval(heartbeat);
    const open = [...clients];
    for (const client of open) client.close(1001, 'server shutting down');
    await Promise.race([
      Promise.all(open.map((c) => (c.readyState === WebSocket.CLOSED ? null : new Promise((r) => c.once('close', r))))),
      new Promise((r) => setTimeout(r, 1000).unref()),
    ]);
    for (const client of clients) client.terminate();
    wss.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  return {
    host: BIND_HOST,
    port,
    origin,
    token,
    url: `${origin}/?token=${token}`,
    close: () => (closing ??= close()),
  };
}

/** Listen on 127.0.0.1:<port> and return the bound port (a clear error if it is taken). */
function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${port} is already in use on ${BIND_HOST}: choose another with --port, or omit it for a free one`)
          : err,
      );
    };
    server.once('error', onError);
    server.listen({ host: BIND_HOST, port }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Split a request target into its raw (still percent-encoded) path and its query. */
export function splitUrl(target: string | undefined): { rawPath: string | null; query: URLSearchParams } {
  const raw = target ?? '/';
  const q = raw.indexOf('?');
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  return { rawPath: rawPath.startsWith('/') ? rawPath : null, query };
}

type BodyResult = { ok: true; text: string } | { ok: false; status: 400 | 413; message: string };

/** Read a request body as UTF-8, refusing (413) anything over `limit` bytes without buffering it. */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const tooLarge: BodyResult = { ok: false, status: 413, message: `request body over the ${limit}-byte limit` };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(tooLarge);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult) => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish(tooLarge);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () => finish({ ok: false, status: 400, message: 'request body could not be read' }));
    req.on('aborted', () => finish({ ok: false, status: 400, message: 'request aborted' }));
  });
}

/** Answer a refused WebSocket upgrade with a plain HTTP response and hang up. */
function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
