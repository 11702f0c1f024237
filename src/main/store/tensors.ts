// Checking and encoding a round's tensors before the write transaction starts: validation errors are
// raised before anything is written, and the (possibly slow) compression happens outside the write lock.
import { StoreError } from './errors';
import { encodeTensor, type TensorEncoding } from './codecs';
import { FLOAT_ROLES, TENSOR_ROLES, type TensorInput, type TensorRole } from './records';

export interface EncodedTensor {
  layer: string;
  role: TensorRole;
  shape_json: string;
  encoding: TensorEncoding;
  data: Buffer;
}

/** Number of elements of a shape; the empty shape is a scalar (1 element). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Why one tensor cannot be stored, or null when it is well formed. */
export function tensorProblem(t: TensorInput): string | null {
  if (typeof t.layer !== 'string' || t.layer === '') return 'its layer name is empty';
  if (!(TENSOR_ROLES as readonly string[]).includes(t.role)) return `role "${String(t.role)}" is not one of ${TENSOR_ROLES.join(', ')}`;
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    return `shape ${JSON.stringify(t.shape)} is not a list of non-negative integers`;
  }
  const float = FLOAT_ROLES.includes(t.role);
  if (float && !(t.data instanceof Float32Array)) return `role ${t.role} holds weights: data must be a Float32Array`;
  if (!float && !(t.data instanceof Uint8Array)) return `role ${t.role} is a mask: data must be a Uint8Array of 0/1`;
  if (t.data.length !== shapeSize(t.shape))
    return `shape [${t.shape.join(', ')}] has ${shapeSize(t.shape)} elements but data has ${t.data.length}`;
  return null;
}

/** Validates every tensor of a round and encodes it. Throws StoreError('invalid') naming the culprit. */
export function encodeRoundTensors(file: string, what: string, tensors: readonly TensorInput[]): EncodedTensor[] {
  const seen = new Set<string>();
  const out: EncodedTensor[] = [];
  for (const t of tensors) {
    const problem = tensorProblem(t);
    const label = `tensor ${t?.role ?? '?'} of layer ${t?.layer ?? '?'}`;
    if (problem) throw new StoreError('invalid', `Cannot save ${what}: ${label}: ${problem}. Nothing was written.`, file);
    const key = `${t.layer}\u0000${t.role}`;
    if (seen.has(key)) throw new StoreError('invalid', `Cannot save ${what}: ${label} is given twice. Nothing was written.`, file);
    seen.add(key);
    let encoded: ReturnType<typeof encodeTensor>;
    try {
      encoded = encodeTensor(t.data);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new StoreError('invalid', `Cannot save ${what}: ${label}: ${reason}. Nothing was written.`, file, null, { cause: err });
    }
    out.push({ layer: t.layer, role: t.role, shape_json: JSON.stringify(t.shape), encoding: encoded.encoding, data: encoded.blob });
  }
  return out;
}
