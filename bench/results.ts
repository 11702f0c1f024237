// bench/results.json: the latest measured numbers, one {name, value, unit} entry per measurement, plus
// `peer_value` and `ratio` where the PyTorch peer did the same work.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The PyTorch peer's number for the same work, in the same unit. */
  peer_value?: number;
  /** Ours relative to the peer, higher is better: value/peer for rates, peer/value for times and memory. */
  ratio?: number;
}

/** Whether a larger value is better for this unit (rates) or worse (times, memory). */
export function higherIsBetter(unit: string): boolean {
  return /\/s$/.test(unit);
}

/** ours/peer as "higher is better": value/peer for rates, peer/value for times and sizes. */
export function ratioOf(value: number, peer: number, unit: string): number {
  return higherIsBetter(unit) ? value / peer : peer / value;
}

/** A result row; with a peer number, also its ratio (rounded to 3 digits). */
export function resultRow(name: string, value: number, unit: string, peer?: number): BenchResult {
  const row: BenchResult = { name, value, unit };
  if (peer !== undefined && Number.isFinite(peer) && peer > 0 && value > 0) {
    row.peer_value = peer;
    row.ratio = Number(ratioOf(value, peer, unit).toFixed(3));
  }
  return row;
}

/** The repository root: the nearest folder above this module holding package.json (bundled or not). */
export function repoRoot(from = fileURLToPath(import.meta.url)): string {
  let dir = path.dirname(from);
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`bench: no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

/** Merge `rows` into the results file, replacing entries of the same name and keeping all others. */
export function recordResults(rows: BenchResult[], file = path.join(repoRoot(), 'bench', 'results.json')): void {
  let existing: BenchResult[] = [];
  if (existsSync(file)) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (Array.isArray(parsed)) existing = parsed as BenchResult[];
    } catch {
      existing = []; // an unreadable file is replaced
    }
  }
  const names = new Set(rows.map((r) => r.name));
  writeFileSync(file, `${JSON.stringify([...existing.filter((r) => !names.has(r.name)), ...rows], null, 2)}\n`);
}
