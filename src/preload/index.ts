// The preload bridge: exposes `window.api` (the contract's Api: call + on) to the sandboxed,
// context-isolated renderer, and nothing more. Built as CommonJS (out/preload/index.cjs) because
// sandboxed preloads cannot be ES modules; everything it imports is bundled in.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, EVENT_NAMES, type Api, type ContractError, type EventName } from '../common/contract';
import type { DispatchResult } from '../main/transport/dispatch';
import { IPC_CALL, IPC_EVENT } from '../main/transport/ipc-names';

const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS);
const EVENT_SET: ReadonlySet<string> = new Set(EVENT_NAMES);

type Listener = (payload: unknown) => void;
/** Renderer listeners per event; one ipcRenderer listener feeds them all. */
const listeners = new Map<EventName, Set<Listener>>();

ipcRenderer.on(IPC_EVENT, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  const set = typeof name === 'string' ? listeners.get(name as EventName) : undefined;
  if (!set) return;
  for (const listener of [...set]) {
    try {
      listener(payload);
    } catch (err) {
      // One failing listener must not starve the others.
      console.error(`ticketlab: a "${String(name)}" listener threw:`, err);
    }
  }
});

/**
 * Errors reach the renderer as plain ContractError objects: the context bridge copies plain objects
 * intact but strips custom properties (such as `code`) from Error instances. The renderer's api client
 * (src/renderer/src/api) turns them back into `ApiError`s.
 */
function refuse(error: ContractError): Promise<never> {
  return Promise.reject(error);
}

const api: Api = {
  async call(channel, request) {
    if (typeof channel !== 'string' || !CHANNEL_SET.has(channel)) {
      return refuse({ code: 'unknown_channel', message: `unknown channel "${String(channel)}"` });
    }
    const reply = (await ipcRenderer.invoke(IPC_CALL, channel, request)) as DispatchResult<typeof channel>;
    return reply.ok ? reply.result : refuse(reply.error);
  },
  on(event, listener) {
    if (typeof event !== 'string' || !EVENT_SET.has(event)) throw new Error(`unknown event "${String(event)}"`);
    if (typeof listener !== 'function') throw new Error('listener must be a function');
    const wrapped = listener as Listener;
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('api', api);
