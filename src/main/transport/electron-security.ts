// The Electron side of the renderer boundary: which URLs are "ours", and the session and webContents
// guards that keep everything else out (Electron security checklist: no remote content, CSP header,
// no navigation, no new windows, no webviews, no permissions, validated IPC senders).
import type { Session, WebContents } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isInside } from './static-files';

/** Where the renderer comes from: the built files (file://) or electron-vite's dev server. */
export type RendererSource = { kind: 'file'; dir: string } | { kind: 'dev'; url: string };

/** Permissions the renderer may use (copying a spec or a chart to the clipboard). Everything else is denied. */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** True when `url` is a page of our renderer: a file inside the renderer folder, or the dev server's origin. */
export function isRendererUrl(source: RendererSource, url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (source.kind === 'dev') return parsed.origin === new URL(source.url).origin;
  if (parsed.protocol !== 'file:') return false;
  try {
    return isInside(path.resolve(source.dir), path.resolve(fileURLToPath(parsed)));
  } catch {
    return false;
  }
}

/**
 * Requests the renderer may make: its own files or dev server (including the dev server's HMR
 * WebSocket), data:/blob: URLs, and DevTools. Everything else (any remote content) is cancelled.
 */
export function isAllowedRequest(source: RendererSource, url: string): boolean {
  if (/^(data|blob|devtools):/i.test(url)) return true;
  if (source.kind === 'dev') {
    try {
      const target = new URL(url);
      const dev = new URL(source.url);
      return target.host === dev.host && /^(https?|wss?):$/.test(target.protocol);
    } catch {
      return false;
    }
  }
  return isRendererUrl(source, url);
}

/** Set (or replace, whatever its case) the Content-Security-Policy response header. */
export function withCspHeader(headers: Record<string, string[]> | undefined, csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/**
 * Lock down a session: the CSP header on every response (on top of the <meta> tag, for the
 * dev-server and file:// cases alike), no remote requests, no permissions beyond the clipboard,
 * and downloads only of data the page made itself (blob:/data:, e.g. a CSV export).
 */
export function hardenSession(session: Session, source: RendererSource, csp: string): void {
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(source, details.url);
    if (!allowed) console.warn(`ticketlab: blocked request to ${details.url}`);
    callback({ cancel: !allowed });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders, csp) });
  });
  session.setPermissionRequestHandler((contents, permission, callback) => {
    callback(ALLOWED_PERMISSIONS.has(permission) && isRendererUrl(source, contents.getURL()));
  });
  session.setPermissionCheckHandler((contents, permission, requestingOrigin) => {
    // For file:// pages the requesting origin is just "file:///"; judge by the page URL when we have it.
    return ALLOWED_PERMISSIONS.has(permission) && isRendererUrl(source, contents?.getURL() ?? requestingOrigin);
  });
  session.on('will-download', (event, item) => {
    if (!/^(blob|data):/i.test(item.getURL())) event.preventDefault();
  });
}

/**
 * Guard one webContents: navigation only within our renderer (a reload), never to anything else;
 * window.open and target=_blank denied; no <webview>.
 */
export function hardenWebContents(contents: WebContents, source: RendererSource): void {
  contents.setWindowOpenHandler(({ url }) => {
    console.warn(`ticketlab: blocked window.open(${url})`);
    return { action: 'deny' };
  });
  const guard = (kind: string) => (event: { url: string; preventDefault(): void }) => {
    if (isRendererUrl(source, event.url)) return;
    console.warn(`ticketlab: blocked ${kind} to ${event.url}`);
    event.preventDefault();
  };
  contents.on('will-navigate', guard('navigation'));
  contents.on('will-frame-navigate', guard('frame navigation'));
  contents.on('will-redirect', guard('redirect'));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
