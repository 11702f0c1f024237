// Round-trip latency of contract calls over browser mode's transport while training keeps every core
// busy: the real app services (runs service, one trainer worker per core, SQLite store in a temporary
// folder) behind the real browser-mode server, called by the renderer's own HTTP client
// (src/renderer/src/api/http.ts) with its events WebSocket open. The load is real too: one FC/MNIST
// lottery run per worker, created through the same client, streaming progress and evaluations into the
// store while the calls are timed. Calls alternate `runs.list` and `app.info` with small random pauses,
// so they land at random moments of the training (evaluations, store writes).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { Request } from '../src/common/contract';
import { createAppServices } from '../src/main/app/services';
import { startBrowserServer } from '../src/main/transport/browser-server';
import { createHttpApi, type WebSocketConstructor } from '../src/renderer/src/api/http';
import { median } from './engine-bench';

export interface IpcStats {
  /** Median over windows of each window's p50 / p95, milliseconds. */
  p50: number;
  p95: number;
  windows: { p50: number; p95: number; max: number }[];
  calls: number;
  workers: number;
  /** CPU time of this process (server + trainer threads) over wall time × cores, during the timed windows. */
  cpuBusy: number;
}

/** The q-quantile (0..1) of sorted values, by linear interpolation. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchIpcUnderLoad(o: {
  specFile: string;
  workers: number;
  callsPerWindow: number;
  windows: number;
  /** Longest wait for every worker to report training progress. */
  startTimeoutMs?: number;
}): Promise<IpcStats> {
  const base = JSON.parse(readFileSync(o.specFile, 'utf8')) as Record<string, unknown>;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ticketlab-bench-ipc-'));
  const rendererDir = path.join(dir, 'renderer');
  mkdirSync(rendererDir);
  const services = await createAppServices({ mode: 'browser', dbPath: path.join(dir, 'runs.sqlite'), workers: o.workers });
  const server = await startBrowserServer({ services, rendererDir, log: () => undefined });
  const client = createHttpApi({ baseUrl: server.origin, token: server.token, WebSocket: WebSocket as unknown as WebSocketConstructor });
  const training = new Set<string>();
  const runIds: string[] = [];
  try {
    client.on('run.progress', (p) => training.add(p.runId));
    for (let i = 0; i < o.workers; i++) {
      const created = await client.call('runs.create', {
        spec: { ...base, seed: 9000 + i, name: `bench load ${i}` } as Request<'runs.create'>['spec'],
      });
      runIds.push(created.id);
    }
    const deadline = Date.now() + (o.startTimeoutMs ?? 180_000);
    while (training.size < o.workers) {
      if (Date.now() > deadline) throw new Error(`only ${training.size} of ${o.workers} load runs started training in time`);
      await sleep(100);
    }
    const call = (i: number) => (i % 2 === 0 ? client.call('runs.list', {}) : client.call('app.info', {}));
    for (let i = 0; i < 20; i++) await call(i); // warm-up: connections, JIT
    const windows: IpcStats['windows'] = [];
    let cpuMs = 0;
    let wallMs = 0;
    for (let w = 0; w < o.windows; w++) {
      const latencies: number[] = [];
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < o.callsPerWindow; i++) {
        await sleep(Math.random() * 20);
        const s = performance.now();
        await call(i);
        latencies.push(performance.now() - s);
      }
      const c = process.cpuUsage(c0);
      cpuMs += (c.user + c.system) / 1000;
      wallMs += performance.now() - t0;
      latencies.sort((a, b) => a - b);
      windows.push({ p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), max: latencies[latencies.length - 1] });
    }
    return {
      p50: median(windows.map((w) => w.p50)),
      p95: median(windows.map((w) => w.p95)),
      windows,
      calls: o.callsPerWindow * o.windows,
      workers: o.workers,
      cpuBusy: cpuMs / wallMs / os.availableParallelism(),
    };
  } finally {
    for (const id of runIds) await client.call('runs.cancel', { id }).catch(() => undefined);
    client.close();
    await server.close();
    await services.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
