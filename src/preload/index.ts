// The preload bridge: exposes `window.api` (the contract's Api: call + on) to the sandboxed,
// context-isolated renderer, and nothing more. Built as CommonJS (out/preload/index.cjs) because
// sandboxed preloads cannot be ES modules; everything it imports is bundled in. It imports only types
// from the contract, so zod stays out of this bundle (see ipc-names.ts for the channel check).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Api, ContractError, EventName } from '../common/contract';
import type { DispatchResult } from '../main/transport/dispatch';
import { BRIDGE_CHANNELS, BRIDGE_EVENTS, IPC_CALL, IPC_EVENT } from '../main/transport/ipc-names';

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
    if (typeof channel !== 'string' || !BRIDGE_CHANNELS.has(channel)) {
      return refuse({ code: 'unknown_channel', message: `unknown channel "${String(channel)}"` });
    }
    const reply = (await ipcRenderer.invoke(IPC_CALL, channel, request)) as DispatchResult<typeof channel>;
    return reply.ok ? reply.result : refuse(reply.error);
  },
  on(event, listener) {
    if (typeof event !== 'string' || !BRIDGE_EVENTS.has(event)) throw new Error(`unknown event "${String(event)}"`);
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
