// The two Electron IPC channel names. Shared by main (electron-ipc.ts) and the preload bridge; no
// imports, so the sandboxed preload bundle stays tiny.

/** renderer → main: `ipcRenderer.invoke(IPC_CALL, channel, request)` resolves to a DispatchResult. */
export const IPC_CALL = 'tl:call';

/** main → renderer: `webContents.send(IPC_EVENT, eventName, payload)` for every contract event. */
export const IPC_EVENT = 'tl:event';
