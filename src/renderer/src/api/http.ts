// Browser-mode client of the contract: calls as `POST /api/call/<channel>` (token in the Authorization
// header), events from the WebSocket `/api/events?token=…`, reconnecting with backoff when it drops.
// Protocol: src/main/transport/README.md. Runs in the browser (and in Node ≥ 20 for tests, given a
// WebSocket class): no node imports.
import type { Api, Channel, ContractError, EventName, Events, Request, Response as ContractResponse } from '../../../common/contract';
import { ApiError, isContractError } from './errors';

/** The little of the WebSocket API we use; the browser's WebSocket and the `ws` package both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: { data?: unknown }) => void): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface HttpApiOptions {
  /** Origin of the browser-mode server, e.g. `http://127.0.0.1:5123` (no trailing slash needed). */
  baseUrl: string;
  /** The per-launch access token; null when the page was opened without it. */
  token: string | null;
  /** Defaults to globalThis.WebSocket. */
  WebSocket?: WebSocketConstructor;
  /** Defaults to globalThis.fetch. */
  fetch?: typeof fetch;
  /** Reconnect backoff: first delay and cap, in ms (default 500 → 10 000, doubling, with jitter). */
  reconnect?: { minMs: number; maxMs: number };
}

export interface HttpApi extends Api {
  /** True while the events WebSocket is open and subscribed. */
  readonly connected: boolean;
  /** Called on every change of `connected` (and once right away with the current state). */
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  /** Close the events socket for good (no reconnect). */
  close(): void;
}

export const MISSING_TOKEN_MESSAGE = 'This page has no access token. Open the URL that `npm start` printed (it ends in ?token=…).';

/** Delay before reconnect attempt `attempt` (0-based): doubling from min, capped at max, ±20% jitter. */
export function reconnectDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function createHttpApi(opts: HttpApiOptions): HttpApi {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const fetchImpl = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const Socket = opts.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor | undefined);
  const backoff = opts.reconnect ?? { minMs: 500, maxMs: 10_000 };
  const eventsUrl = `${base.replace(/^http/, 'ws')}/api/events?token=${encodeURIComponent(opts.token ?? '')}`;

  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let socket: WebSocketLike | null = null;
  let connected = false;
  let closed = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  function setConnected(value: boolean): void {
    if (connected === value) return;
    connected = value;
    for (const listener of [...connectionListeners]) listener(value);
  }

  function deliver(message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    const m = message as { type?: unknown; event?: unknown; payload?: unknown };
    if (m.type === 'ready') {
      attempt = 0;
      setConnected(true);
      return;
    }
    if (m.type !== 'event' || typeof m.event !== 'string') return;
    for (const listener of [...(listeners.get(m.event as EventName) ?? [])]) {
      try {
        listener(m.payload);
      } catch (err) {
        console.error(`ticketlab: a "${m.event}" listener threw:`, err);
      }
    }
  }

  function connect(): void {
    if (closed || socket || !opts.token || !Socket) return;
    const ws = new Socket(eventsUrl);
    socket = ws;
    ws.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      try {
        deliver(JSON.parse(event.data));
      } catch {
        // Not JSON: not from our server; ignore.
      }
    });
    ws.addEventListener('close', () => {
      if (socket === ws) socket = null;
      setConnected(false);
      scheduleReconnect();
    });
    // 'error' is always followed by 'close', which reconnects.
    ws.addEventListener('error', () => undefined);
  }

  function scheduleReconnect(): void {
    if (closed || retryTimer) return;
    const delay = reconnectDelay(attempt++, backoff.minMs, backoff.maxMs);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  }

  async function call<C extends Channel>(channel: C, request: Request<C>): Promise<ContractResponse<C>> {
    if (!opts.token) throw new ApiError({ code: 'failed', message: MISSING_TOKEN_MESSAGE });
    let response: globalThis.Response;
    try {
      response = await fetchImpl(`${base}/api/call/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${opts.token}` },
        body: JSON.stringify(request ?? {}),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError({ code: 'failed', message: `Cannot reach the Ticket Lab server at ${base}. Is it still running?` });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new ApiError({ code: 'failed', message: `The server answered ${response.status} ${response.statusText} without a JSON body.` });
    }
    const envelope = body as { ok?: unknown; result?: unknown; error?: unknown };
    if (envelope?.ok === true && response.ok) return envelope.result as ContractResponse<C>;
    if (envelope?.ok === false && isContractError(envelope.error)) throw new ApiError(envelope.error as ContractError);
    throw new ApiError({ code: 'failed', message: `Unexpected reply from the server (HTTP ${response.status}).` });
  }

  return {
    call,
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      connect();
      return () => {
        set.delete(wrapped);
      };
    },
    get connected() {
      return connected;
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      listener(connected);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      socket?.close(1000, 'client closed');
      socket = null;
      setConnected(false);
    },
  };
}
