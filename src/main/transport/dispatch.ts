// The one place where a call from the renderer reaches a service handler. Both transports (Electron IPC
// and browser mode's HTTP server) go through `dispatch`: validate the request against the contract,
// call the handler, and turn anything thrown into a ContractError with a readable message. Stack traces
// never cross to the renderer; they go to `onError` (the transports log them in main).
import {
  CHANNELS,
  validateRequest,
  type Channel,
  type ContractError,
  type EventName,
  type Events,
  type Handlers,
  type Response,
} from '../../common/contract';
import { SpecError } from '../../common/spec';

/** The part of the app services a transport needs (structurally AppServices minus close(): the owner closes). */
export interface TransportServices {
  handlers: Handlers;
  subscribe(listener: <E extends EventName>(event: E, payload: Events[E]) => void): () => void;
}

/** What a transport sends back for one call: the handler's result, or a ContractError. */
export type DispatchResult<C extends Channel = Channel> = { ok: true; result: Response<C> } | { ok: false; error: ContractError };

export interface DispatchOptions {
  /** Called with the original error (stack included) when a handler throws; for main-side logging. */
  onError?: (channel: Channel, cause: unknown, error: ContractError) => void;
}

const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS);
const CONTRACT_CODES: ReadonlySet<string> = new Set<ContractError['code']>(['invalid_request', 'not_found', 'failed', 'unknown_channel']);
/** Longest message we pass on; longer ones are cut (a runaway message is a bug, not information). */
export const MAX_MESSAGE_CHARS = 4000;

/** True when `channel` names a contract channel (own keys only: "toString" or "__proto__" are not channels). */
export function isChannel(channel: unknown): channel is Channel {
  return typeof channel === 'string' && CHANNEL_SET.has(channel);
}

/**
 * Validate `payload` for `channel`, run the handler, and return its result or a ContractError.
 * Never throws (a throwing handler becomes `{ ok: false, error }`).
 */
export async function dispatch(handlers: Handlers, channel: string, payload: unknown, opts: DispatchOptions = {}): Promise<DispatchResult> {
  // validateRequest checks `channel in channels`, which is also true for inherited names such as
  // "toString"; check own channel names first so those are unknown channels, not crashes.
  if (!isChannel(channel)) {
    return { ok: false, error: { code: 'unknown_channel', message: `unknown channel "${printable(channel)}"` } };
  }
  const validated = validateRequest(channel, payload);
  if (!validated.ok) return { ok: false, error: validated.error };
  try {
    const handler = handlers[validated.channel] as (request: unknown) => unknown;
    const result = (await handler(validated.request)) as Response<Channel>;
    return { ok: true, result };
  } catch (cause) {
    const error = toContractError(cause, channel);
    opts.onError?.(channel, cause, error);
    return { ok: false, error };
  }
}

/**
 * An `onError` that logs unexpected failures (code "failed") with their stack, for the main-side log.
 * Not-found answers and rejected specs are ordinary outcomes and stay quiet.
 */
export function logFailures(log: (line: string) => void): NonNullable<DispatchOptions['onError']> {
  return (channel, cause, error) => {
    if (error.code !== 'failed') return;
    log(`ticketlab: "${channel}" failed: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
  };
}

/**
 * Turn anything a handler threw into a ContractError:
 * - SpecError (bad run spec) → invalid_request, with its per-field issues;
 * - an Error whose `code` is a contract code → that code; a NotFoundError or a StoreError of kind
 *   "not_found" → not_found;
 * - any other Error → failed, with its message;
 * - a thrown non-Error → failed, with a printable form of it.
 * Messages lose stack-frame lines and are capped at MAX_MESSAGE_CHARS.
 */
export function toContractError(cause: unknown, channel: string): ContractError {
  const fallback = `"${channel}" failed`;
  if (cause instanceof SpecError) {
    return { code: 'invalid_request', message: readableMessage(cause.message, fallback), issues: cause.issues };
  }
  if (cause instanceof Error) {
    const issues = zodLikeIssues(cause);
    const message = issues
      ? `${fallback}: ${issues.map((i) => `${i.path || '(value)'}: ${i.message}`).join('; ')}`
      : readableMessage(cause.message, fallback);
    return { code: contractCodeOf(cause) ?? 'failed', message };
  }
  if (typeof cause === 'string') return { code: 'failed', message: readableMessage(cause, fallback) };
  return { code: 'failed', message: fallback };
}

/**
 * The contract code an Error asks for: its `code` when that is a contract code; "not_found" for a
 * NotFoundError (src/main/runs/queries.ts) or a StoreError of kind "not_found"; otherwise null.
 * Matched by shape, so the transport does not depend on the services' modules.
 */
function contractCodeOf(err: Error): ContractError['code'] | null {
  const { code, kind } = err as { code?: unknown; kind?: unknown };
  if (typeof code === 'string' && CONTRACT_CODES.has(code)) return code as ContractError['code'];
  if (err.name === 'NotFoundError' || kind === 'not_found') return 'not_found';
  return null;
}

/** Drop stack-frame lines ("    at fn (file:1:2)"), trim, cap the length; `fallback` when nothing is left. */
export function readableMessage(message: string, fallback: string): string {
  const lines = message.split(/\r?\n/).filter((line) => !/^\s+at\s/.test(line));
  const text = lines.join('\n').trim();
  if (!text) return fallback;
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text;
}

/** A ZodError thrown by a handler (internal validation) carries issues; its message is raw JSON. */
function zodLikeIssues(err: Error): { path: string; message: string }[] | null {
  if (err.name !== 'ZodError') return null;
  const issues = (err as { issues?: unknown }).issues;
  if (!Array.isArray(issues)) return null;
  return issues.map((i: { path?: unknown[]; message?: unknown }) => ({
    path: Array.isArray(i.path) ? i.path.map(String).join('.') : '',
    message: typeof i.message === 'string' ? i.message : 'invalid',
  }));
}

/** Channel names come from the network: quote them safely and keep them short in messages. */
function printable(channel: unknown): string {
  const text = typeof channel === 'string' ? channel : String(channel);
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text).slice(1, -1);
}
