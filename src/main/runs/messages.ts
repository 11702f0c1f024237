// The protocol between the runs service (parent thread) and a trainer worker thread.
import type { RunSpec } from '../../common/spec';
import type { BackendInfo, DoctorReport, EvalPoint, RoundSummary } from '../../common/contract';

/** State needed to continue a run after round `lastRound` completed (resume). */
export interface ResumeState {
  lastRound: number;
  /** Per layer, the stored tensors of the last completed round. */
  wStart: Float32Array[];
  wF: Float32Array[];
  mask: Uint8Array[];
  /** One-shot mode prunes every level from the dense round's trained weights. */
  denseWF?: Float32Array[];
}

export interface JobMessage {
  type: 'job';
  runId: string;
  spec: RunSpec;
  resume?: ResumeState;
  /** Int32Array over this buffer: index 0 set to 1 asks the worker to stop between steps. */
  cancel: SharedArrayBuffer;
}

export interface MeasureMessage {
  type: 'measure';
  requestId: number;
  net: import('../../common/nets').NetId;
  batchSize: number;
  backend: import('../../common/spec').BackendPref;
}

/** Ask a (short-lived) worker for the doctor's report (src/main/app/doctor.ts). */
export interface DoctorMessage {
  type: 'doctor';
  requestId: number;
}

export interface TensorRecord {
  layer: string;
  role: 'w_start' | 'w_f' | 'b_f' | 'mask' | 'trainable';
  shape: number[];
  data: Float32Array | Uint8Array;
}

export type WorkerMessage =
  | { type: 'ready'; backend: BackendInfo | null; error?: string }
  | { type: 'backend'; runId: string; info: BackendInfo }
  | { type: 'round-start'; runId: string; round: number; percentRemaining: number }
  | { type: 'progress'; runId: string; round: number; iteration: number; loss: number; at: number }
  | { type: 'eval'; runId: string; round: number; point: EvalPoint }
  | { type: 'round'; runId: string; summary: RoundSummary; tensors: TensorRecord[] }
  | { type: 'done'; runId: string; status: 'completed' | 'cancelled' }
  | { type: 'error'; runId: string; message: string }
  | { type: 'measured'; requestId: number; result?: import('./measure').SpeedMeasurement; error?: string }
  | { type: 'doctor'; requestId: number; report?: DoctorReport; error?: string };
