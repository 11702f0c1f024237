// Trainer worker thread: receives jobs from the runs service and runs the LT loop off the caller's thread.
// One job at a time; the tfjs backend is chosen per job from the spec's preference (cheap once set).
// Short-lived workers also answer 'measure' (a speed benchmark) and 'doctor' (the backend report).
import { parentPort } from 'node:worker_threads';
import { runDoctor } from '../app/doctor';
import { initBackend } from '../engine/backend';
import { runLottery } from './lottery-run';
import { measureSpeed } from './measure';
import type { DoctorMessage, JobMessage, MeasureMessage, WorkerMessage } from './messages';

if (!parentPort) throw new Error('worker.ts must run inside a worker thread');
const port = parentPort;

function post(msg: WorkerMessage, transfer?: ArrayBuffer[]): void {
  port.postMessage(msg, transfer ?? []);
}

let busy = false;
port.on('message', (msg: JobMessage | MeasureMessage | DoctorMessage) => {
  if (msg.type === 'doctor') {
    runDoctor().then(
      (report) => post({ type: 'doctor', requestId: msg.requestId, report }),
      (err: unknown) => post({ type: 'doctor', requestId: msg.requestId, error: err instanceof Error ? err.message : String(err) }),
    );
    return;
  }
  if (msg.type === 'measure') {
    void (async () => {
      try {
        const info = await initBackend(msg.backend);
        post({ type: 'measured', requestId: msg.requestId, result: await measureSpeed(msg.net, msg.batchSize, info.name) });
      } catch (err) {
        post({ type: 'measured', requestId: msg.requestId, error: err instanceof Error ? err.message : String(err) });
      }
    })();
    return;
  }
  if (msg.type !== 'job') return;
  if (busy) {
    post({ type: 'error', runId: msg.runId, message: 'worker is busy (internal error: one job at a time)' });
    return;
  }
  busy = true;
  const flag = new Int32Array(msg.cancel);
  void (async () => {
    try {
      const info = await initBackend(msg.spec.backend);
      post({ type: 'backend', runId: msg.runId, info });
      const status = await runLottery({
        runId: msg.runId,
        spec: msg.spec,
        resume: msg.resume,
        post,
        shouldStop: () => Atomics.load(flag, 0) === 1,
      });
      post({ type: 'done', runId: msg.runId, status });
    } catch (err) {
      post({ type: 'error', runId: msg.runId, message: err instanceof Error ? err.message : String(err) });
    } finally {
      busy = false;
    }
  })();
});
// Resolve the automatic backend once at start, so the service knows what 'auto' means on this machine
// (it keys reusable trainings by the resolved backend) before any job runs.
initBackend('auto').then(
  (info) => post({ type: 'ready', backend: info }),
  (err: unknown) => post({ type: 'ready', backend: null, error: err instanceof Error ? err.message : String(err) }),
);
