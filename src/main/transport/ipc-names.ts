// Names the Electron IPC transport shares between main (electron-ipc.ts) and the preload bridge.
// Type-only imports: the sandboxed preload bundle stays small (the contract's runtime part pulls in zod).
import type { Channel, EventName } from '../../common/contract';

/** renderer → main: `ipcRenderer.invoke(IPC_CALL, channel, request)` resolves to a DispatchResult. */
export const IPC_CALL = 'tl:call';

/** main → renderer: `webContents.send(IPC_EVENT, eventName, payload)` for every contract event. */
export const IPC_EVENT = 'tl:event';

/**
 * The contract's channels and events, as the preload checks them before anything crosses the bridge.
 * `Record<Channel, true>` makes the type checker demand exactly the contract's names (a missing or an
 * extra key is a compile error); test/unit/transport/preload-names.test.ts also compares them at run time.
 */
const CHANNEL_TABLE: Record<Channel, true> = {
  'app.info': true,
  'app.doctor': true,
  'registry.get': true,
  'datasets.list': true,
  'spec.validate': true,
  'spec.estimate': true,
  'runs.list': true,
  'runs.get': true,
  'runs.create': true,
  'runs.cancel': true,
  'runs.resume': true,
  'runs.delete': true,
  'runs.exportCsv': true,
  'experiments.preview': true,
  'experiments.create': true,
  'experiments.list': true,
  'experiments.get': true,
  'experiments.cancel': true,
  'experiments.exportCsv': true,
};
const EVENT_TABLE: Record<EventName, true> = {
  'run.progress': true,
  'run.eval': true,
  'run.round': true,
  'run.status': true,
};

export const BRIDGE_CHANNELS: ReadonlySet<string> = new Set(Object.keys(CHANNEL_TABLE));
export const BRIDGE_EVENTS: ReadonlySet<string> = new Set(Object.keys(EVENT_TABLE));
