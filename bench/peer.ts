// The PyTorch peer (bench/peer/peer.py): run it in a child process with the settings that make it an
// honest single-thread comparison, parse its JSON, and explain its numbers when they are off the
// reference machine's (ENGINE-NOTES.md: FC ≈740 it/s, Conv2 ≈0.28 s/step).
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

export interface PeerStats {
  median: number;
  samples: number[];
  unit: string;
  adam: string;
}

export interface PeerSettings {
  torch: string;
  python: string;
  executable: string;
  torch_threads: number;
  interop_threads: number;
  OPENBLAS_NUM_THREADS: string | null;
  OMP_NUM_THREADS: string | null;
  blas_info: string;
  blas_libraries: string[];
  openblas_core: string | null;
  cpu: string | null;
}

export interface PeerResult {
  available: true;
  settings: PeerSettings;
  fc_masked: PeerStats;
  fc_dense: PeerStats;
  /** Seconds per step. */
  conv2?: PeerStats;
  maxrss_mb: number;
  sgemm_gflops: number;
}

export type PeerOutcome = PeerResult | { available: false; reason: string };

/** Debian's python3: it sees python3-torch; a pyenv python earlier on PATH does not. */
export const DEFAULT_PEER_PYTHON = '/usr/bin/python3';

/** The reference machine's numbers (ENGINE-NOTES.md, PyTorch 1.13 + OpenBLAS, one thread). */
export const PEER_REFERENCE = { fcItPerSec: 740, conv2SecPerStep: 0.28 };

export interface PeerOptions {
  python?: string;
  script: string;
  fcIterations: number;
  repeats: number;
  convSteps: number;
  convRepeats: number;
  skipConv: boolean;
  timeoutMs?: number;
}

/** The environment of an honest one-thread peer: OpenBLAS and OpenMP pinned to one thread. */
export function peerEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
}

/** Run the peer; never throws: a missing python or torch becomes `{available: false, reason}`. */
export function runPeer(o: PeerOptions): Promise<PeerOutcome> {
  const python = o.python ?? DEFAULT_PEER_PYTHON;
  const args = [
    o.script,
    '--json',
    '--fc-iterations',
    String(o.fcIterations),
    '--repeats',
    String(o.repeats),
    '--conv-steps',
    String(o.convSteps),
    '--conv-repeats',
    String(o.convRepeats),
    ...(o.skipConv ? ['--skip-conv'] : []),
  ];
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const done = (outcome: PeerOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const child = spawn(python, args, { env: peerEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: o.timeoutMs ?? 30 * 60_000 });
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err: NodeJS.ErrnoException) => {
      done({
        available: false,
        reason: err.code === 'ENOENT' ? `${python} not found (the peer needs Debian's python3 with python3-torch)` : `${python}: ${err.message}`,
      });
    });
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(line) as PeerOutcome;
        if (parsed.available === false || code === 0) return done(parsed);
      } catch {
        /* fall through */
      }
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      done({ available: false, reason: `${path.basename(o.script)} exited with code ${code}${tail ? `: ${tail}` : ''}` });
    });
  });
}

/** One line naming the peer's settings, for the bench's header. */
export function describePeer(p: PeerResult): string {
  const s = p.settings;
  const blas = s.blas_libraries.find((l) => /openblas/i.test(l)) ?? s.blas_libraries[0] ?? s.blas_info;
  return (
    `PyTorch ${s.torch} (${s.executable}), ${s.torch_threads} torch thread(s), OPENBLAS_NUM_THREADS=${s.OPENBLAS_NUM_THREADS ?? 'unset'}, ` +
    `BLAS ${blas}${s.openblas_core ? ` (OpenBLAS core ${s.openblas_core})` : ''}, Adam ${p.fc_masked.adam}; ` +
    `sgemm ${p.sgemm_gflops.toFixed(1)} GFLOP/s on one thread`
  );
}

/** FLOPs of one FC (784-300-100-10) training step at batch 60: forward, weight gradients, input gradients. */
const FC_STEP_FLOP = 2 * 60 * (784 * 300 + 300 * 100 + 100 * 10) * 2 + 2 * 60 * (300 * 100 + 100 * 10);

/**
 * Why the peer's numbers are off the reference machine's, or [] when they are near (within 40%). The
 * usual reasons: a CPU with narrower vector units (sgemm rate), other load on the machine, or BLAS
 * settings (threads, reference BLAS instead of OpenBLAS).
 */
export function explainPeer(p: PeerResult, loadPerCore: number): string[] {
  const fcOff = p.fc_masked.median < 0.6 * PEER_REFERENCE.fcItPerSec;
  const convOff = p.conv2 !== undefined && p.conv2.median > PEER_REFERENCE.conv2SecPerStep / 0.6;
  if (!fcOff && !convOff) return [];
  const s = p.settings;
  const reasons: string[] = [];
  const what = [
    fcOff ? `FC ${p.fc_masked.median.toFixed(0)} it/s (reference ≈${PEER_REFERENCE.fcItPerSec})` : null,
    convOff ? `Conv2 ${p.conv2!.median.toFixed(3)} s/step (reference ≈${PEER_REFERENCE.conv2SecPerStep})` : null,
  ].filter(Boolean);
  reasons.push(`The PyTorch peer is slower than on the reference machine: ${what.join(', ')}. Why:`);
  const cpu = s.cpu ?? os.cpus()[0]?.model ?? 'unknown CPU';
  const fcBound = (p.sgemm_gflops * 1e9) / FC_STEP_FLOP;
  reasons.push(
    `  - this CPU (${cpu}${s.openblas_core ? `, OpenBLAS core "${s.openblas_core}"` : ''}) multiplies float32 matrices at ` +
      `${p.sgemm_gflops.toFixed(1)} GFLOP/s on one thread; an FC step is ${(FC_STEP_FLOP / 1e6).toFixed(0)} MFLOP of matMuls, so even ` +
      `with nothing else (Adam, autograd, Python) this machine caps the peer at ≈${fcBound.toFixed(0)} it/s. The reference needs ≈${((PEER_REFERENCE.fcItPerSec * FC_STEP_FLOP) / 1e9).toFixed(0)} GFLOP/s of matMul for its FC number alone.`,
  );
  if (loadPerCore > 0.3) {
    reasons.push(
      `  - other processes kept the machine busy (load average ${(loadPerCore * os.availableParallelism()).toFixed(1)} on ${os.availableParallelism()} cores): both sides slow down, the ratios less so.`,
    );
  }
  if (s.OPENBLAS_NUM_THREADS !== '1')
    reasons.push(`  - OPENBLAS_NUM_THREADS is ${s.OPENBLAS_NUM_THREADS ?? 'unset'}, not 1 (OpenBLAS threads fight torch's).`);
  if (!s.blas_libraries.some((l) => /openblas/i.test(l))) {
    reasons.push(
      `  - no OpenBLAS is loaded (${s.blas_libraries.join(', ') || s.blas_info}): install libopenblas0-pthread (the reference BLAS is ~15x slower).`,
    );
  }
  reasons.push('  The ratios compare both sides on this machine, which is what the targets are about.');
  return reasons;
}
