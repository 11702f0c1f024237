// Shared by the transport tests: the real app services (SQLite store in a temp folder, one trainer worker)
// behind the real browser-mode server, a tiny renderer folder with a secret file beside it (for the
// traversal tests), and a raw HTTP client (fetch would normalise the "../" paths we want to send).
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createAppServices, type AppServices } from '../../../src/main/app/services';
import { startBrowserServer, type BrowserServer } from '../../../src/main/transport/browser-server';
import { tempDir } from '../../helpers/tmp';

export const SECRET = 'the-secret-beside-the-renderer';

export interface Harness {
  /** Replaceable: the reconnect test restarts the server on the same port and token. */
  server: BrowserServer;
  services: AppServices;
  dir: string;
  rendererDir: string;
  /** Handler failures the server logged (with stacks), for assertions. */
  logged: string[];
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const { dir, cleanup } = tempDir('ticketlab-transport-');
  const rendererDir = path.join(dir, 'renderer');
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    path.join(rendererDir, 'index.html'),
    '<!doctype html><title>Ticket Lab</title><script type="module" src="./assets/app.js"></script>',
  );
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log("app");\n');
  writeFileSync(path.join(rendererDir, 'assets', 'style.css'), 'body{}\n');
  writeFileSync(path.join(rendererDir, '.hidden'), 'hidden\n');
  writeFileSync(path.join(dir, 'secret.txt'), `${SECRET}\n`);

  const services = await createAppServices({ mode: 'browser', dbPath: path.join(dir, 'runs.sqlite'), workers: 1 });
  const logged: string[] = [];
  const server = await startBrowserServer({ services, rendererDir, log: (line) => logged.push(line) });
  const harness: Harness = {
    server,
    services,
    dir,
    rendererDir,
    logged,
    async close() {
      await harness.server.close();
      await services.close();
      cleanup();
    },
  };
  return harness;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with the path sent byte for byte as given. */
export function rawRequest(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** POST a call the way the renderer's client does; returns the status and the parsed envelope. */
export async function call(
  harness: Pick<Harness, 'server'>,
  channel: string,
  payload: unknown,
  token = harness.server.token,
): Promise<{
  status: number;
  body: { ok: boolean; result?: unknown; error?: { code: string; message: string; issues?: { path: string; message: string }[] } };
}> {
  const res = await rawRequest(harness.server.port, {
    method: 'POST',
    path: `/api/call/${encodeURIComponent(channel)}`,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(payload),
  });
  return { status: res.status, body: JSON.parse(res.body) };
}
