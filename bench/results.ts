// bench/results.json: the latest measured numbers, one {name, value, unit} entry per benchmark row.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
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
