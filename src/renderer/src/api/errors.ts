// The one error type renderer code sees from api.call(), whichever transport carried the call.
import type { ContractError } from '../../../common/contract';

/** A failed call: the contract's error code, a readable message, and per-field issues for bad specs. */
export class ApiError extends Error implements ContractError {
  readonly code: ContractError['code'];
  readonly issues: ContractError['issues'];

  constructor(error: ContractError) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
    this.issues = error.issues;
  }
}

const CODES: ReadonlySet<string> = new Set<ContractError['code']>(['invalid_request', 'not_found', 'failed', 'unknown_channel']);

/** True for a ContractError-shaped value (what the preload bridge rejects with, and what the server sends). */
export function isContractError(value: unknown): value is ContractError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { code?: unknown; message?: unknown; issues?: unknown };
  return typeof v.code === 'string' && CODES.has(v.code) && typeof v.message === 'string' && (v.issues === undefined || Array.isArray(v.issues));
}

/** Normalise anything a transport rejected with into an ApiError. */
export function toApiError(value: unknown): ApiError {
  if (value instanceof ApiError) return value;
  if (isContractError(value)) return new ApiError(value);
  const message = value instanceof Error ? value.message : typeof value === 'string' ? value : 'the call failed';
  return new ApiError({ code: 'failed', message });
}
