// Security primitives shared by both transports: the renderer's Content-Security-Policy and the
// browser-mode access token. No electron import here, so the browser server can use it too.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The renderer's Content-Security-Policy directives. The same policy is written as a <meta> tag in
 * src/renderer/index.html (keep them in sync; test/unit/transport/security.test.ts checks it) and sent as
 * a header by the browser server and by Electron's session.
 *
 * - Scripts only from the app itself: no inline scripts, no eval, no remote code.
 * - Styles allow 'unsafe-inline': Naive UI and ECharts inject <style> elements and style attributes.
 * - Images and fonts: the app's own files plus data:/blob: URLs (chart export, icons).
 * - connect-src 'self': in browser mode that covers HTTP calls and the same-origin WebSocket (CSP3).
 */
export const BASE_CSP: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

export interface CspOptions {
  /** Extra connect-src sources (e.g. the explicit ws:// origin of the browser server). */
  connectSrc?: readonly string[];
  /**
   * Add `frame-ancestors 'none'` (forbid embedding the app in a frame). Only valid in a header:
   * browsers ignore it in a <meta> tag, so the meta policy leaves it out.
   */
  header?: boolean;
}

/** Serialise the policy: `directive source source; directive source; …`. */
export function contentSecurityPolicy(opts: CspOptions = {}): string {
  const directives: Record<string, readonly string[]> = { ...BASE_CSP };
  if (opts.connectSrc?.length) directives['connect-src'] = [...BASE_CSP['connect-src']!, ...opts.connectSrc];
  if (opts.header) directives['frame-ancestors'] = ["'none'"];
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** A fresh per-launch access token: 32 random bytes, URL-safe base64 (43 characters). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Compare a presented token with the expected one in constant time. Both are hashed first so the
 * comparison also hides the expected token's length (timingSafeEqual needs equal-length inputs).
 */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
