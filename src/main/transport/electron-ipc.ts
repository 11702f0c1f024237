// Electron transport: the contract over IPC. One `ipcMain.handle(IPC_CALL)` entry dispatches by channel
// name and resolves to a DispatchResult (never rejects, so Electron's "Error invoking remote method"
// wrapping and its stack traces never reach the renderer); events go out with
// `webContents.send(IPC_EVENT, name, payload)`. This file and src/preload are the only users of ipcMain/ipcRenderer.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { ContractError } from '../../common/contract';
import { dispatch, logFailures, type DispatchResult, type TransportServices } from './dispatch';
import { IPC_CALL, IPC_EVENT } from './ipc-names';

export interface IpcOptions {
  services: TransportServices;
  /** True when a frame at this URL is our renderer (the only sender we answer). */
  isTrustedUrl: (url: string) => boolean;
  /** Main-side log of handler failures (with stacks). */
  log?: (line: string) => void;
}

/** Register the one call handler. Returns a function that removes it. */
export function registerIpc(opts: IpcOptions): () => void {
  const log = opts.log ?? ((line: string) => console.error(line));
  ipcMain.handle(IPC_CALL, async (event: IpcMainInvokeEvent, channel: unknown, payload: unknown): Promise<DispatchResult> => {
    const refusal = senderRefusal(event, opts.isTrustedUrl);
    if (refusal) {
      log(`ticketlab: IPC call refused: ${refusal.message}`);
      return { ok: false, error: refusal };
    }
    return dispatch(opts.services.handlers, typeof channel === 'string' ? channel : String(channel), payload, {
      onError: logFailures(log),
    });
  });
  return () => ipcMain.removeHandler(IPC_CALL);
}

/**
 * Forward every service event to the renderers `targets()` returns (the app's windows).
 * Returns the unsubscribe function.
 */
export function forwardEvents(services: TransportServices, targets: () => WebContents[]): () => void {
  return services.subscribe((event, payload) => {
    for (const contents of targets()) {
      if (!contents.isDestroyed()) contents.send(IPC_EVENT, event, payload);
    }
  });
}

/** Only the top frame of our own renderer may call (Electron security checklist: validate IPC senders). */
function senderRefusal(event: IpcMainInvokeEvent, isTrustedUrl: (url: string) => boolean): ContractError | null {
  const frame = event.senderFrame;
  if (!frame) return { code: 'failed', message: 'the calling frame is gone' };
  if (frame.parent !== null) return { code: 'failed', message: 'calls are accepted from the top frame only' };
  if (!isTrustedUrl(frame.url)) return { code: 'failed', message: `calls are not accepted from ${frame.url}` };
  return null;
}
