// Run ids: a hash of the canonical form of a spec's non-default fields (plus the schema version), so a
// field added later with a neutral default keeps every old id. Pinned by a golden test.
import { createHash } from 'node:crypto';
import { canonicalSpecString, type RunSpec } from '../../common/spec';

export const RUN_ID_LENGTH = 16;

export function runIdOf(spec: RunSpec): string {
  return createHash('sha256').update(canonicalSpecString(spec)).digest('hex').slice(0, RUN_ID_LENGTH);
}
