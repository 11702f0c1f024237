// Browser mode's access token: it arrives in the page URL (`/?token=…`, printed by `npm start`); we keep
// it in sessionStorage (this tab only, survives reloads) and take it out of the address bar so it does
// not end up in bookmarks, screenshots or the history.

export const TOKEN_STORAGE_KEY = 'ticketlab.token';

/**
 * Read the token from `location` (then store it and strip it from the address bar) or, failing that,
 * from `storage`. Returns null when neither has one.
 */
export function takeToken(
  location: Pick<Location, 'href'>,
  history: Pick<History, 'replaceState' | 'state'>,
  storage: Pick<Storage, 'getItem' | 'setItem'>,
): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      storage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // Storage disabled: the token still works for this page load.
    }
    url.searchParams.delete('token');
    history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  try {
    return storage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}
