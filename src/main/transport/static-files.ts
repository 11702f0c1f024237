// Serving the built renderer (out/renderer) safely in browser mode: URL path → file inside the root,
// refusing anything that could step outside it, plus the MIME type of each file we ship.
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** MIME types of the files a Vite build emits (and a few a user might add to the renderer). */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** MIME type for a file name; unknown extensions are served as opaque bytes. */
export function mimeTypeOf(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup = { ok: true; file: string; size: number } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Map a raw request path (before the `?`, still percent-encoded) to a regular file under `root`.
 * `/` means `/index.html`. Refused: undecodable escapes and NUL bytes (400); `..` segments,
 * backslashes and dot-files (403); anything that resolves, through symlinks too, outside `root` (403);
 * missing files and folders (404).
 */
export function resolveStaticPath(root: string, rawPath: string): StaticLookup {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding in path' };
  }
  if (decoded.includes('\0')) return { ok: false, status: 400, reason: 'NUL byte in path' };
  if (!decoded.startsWith('/')) return { ok: false, status: 400, reason: 'path must start with /' };
  if (decoded.includes('\\')) return { ok: false, status: 403, reason: 'backslash in path' };
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.')) return { ok: false, status: 403, reason: 'dot segment in path' };
  if (segments.some((s) => s.startsWith('.'))) return { ok: false, status: 403, reason: 'hidden file' };

  const rootReal = realRoot(root);
  if (!rootReal) return { ok: false, status: 404, reason: 'renderer folder missing' };
  const relative = segments.length === 0 ? 'index.html' : segments.join(path.sep);
  const candidate = path.resolve(rootReal, relative);
  if (!isInside(rootReal, candidate)) return { ok: false, status: 403, reason: 'outside the renderer folder' };
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return { ok: false, status: 404, reason: 'no such file' };
  }
  if (!isInside(rootReal, real)) return { ok: false, status: 403, reason: 'symlink leaves the renderer folder' };
  const stat = statSync(real, { throwIfNoEntry: false });
  if (!stat?.isFile()) return { ok: false, status: 404, reason: 'not a file' };
  return { ok: true, file: real, size: stat.size };
}

function realRoot(root: string): string | null {
  try {
    return realpathSync(root);
  } catch {
    return null;
  }
}

/** True when `child` is `parent` itself or lies below it (both absolute, normalised). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
