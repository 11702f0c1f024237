// The renderer's only door to the main process. `getApi()` returns the contract's Api over whichever
// transport this page has: the preload bridge (`window.api`) in Electron, HTTP + WebSocket in browser
// mode. Renderer code never needs to know which; failed calls always reject with an `ApiError`.
// Types only from src/common: nothing here imports node or electron.
import type { Api } from '../../../common/contract';
import { toApiError } from './errors';
import { createHttpApi, type HttpApi } from './http';
import { takeToken } from './token';

export { ApiError, isContractError, toApiError } from './errors';
export { createHttpApi, type HttpApi, type HttpApiOptions } from './http';

declare global {
  interface Window {
    /** Set by the Electron preload (src/preload); absent in browser mode. */
    api?: Api;
  }
}

let api: Api | null = null;
let httpApi: HttpApi | null = null;

/** Wrap the preload bridge so its plain ContractError rejections become ApiErrors. */
function fromBridge(bridge: Api): Api {
  return {
    call: (channel, request) =>
      bridge.call(channel, request).catch((err: unknown) => {
        throw toApiError(err);
      }),
    on: (event, listener) => bridge.on(event, listener),
  };
}

/** The app's Api (created on first use; in browser mode this also takes the token out of the URL). */
export function getApi(): Api {
  if (api) return api;
  if (window.api) {
    api = fromBridge(window.api);
  } else {
    httpApi = createHttpApi({
      baseUrl: window.location.origin,
      token: takeToken(window.location, window.history, window.sessionStorage),
    });
    api = httpApi;
  }
  return api;
}

/**
 * Follow the event stream's health: `listener(true|false)` now and on every change. In Electron the
 * stream cannot drop, so this reports `true` once. Browser mode reports the WebSocket's state; after
 * a reconnect, stores should re-read what they show (events sent while disconnected are not replayed).
 */
export function onConnectionChange(listener: (connected: boolean) => void): () => void {
  getApi();
  if (!httpApi) {
    listener(true);
    return () => undefined;
  }
  return httpApi.onConnectionChange(listener);
}
