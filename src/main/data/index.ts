// The dataset layer's public surface (Node side only: uses fs and zlib).
export { DatasetError } from './errors';
export {
  DATASETS,
  allDatasetAvailability,
  datasetAvailability,
  datasetInfo,
  type DatasetAvailability,
  type DatasetInfo,
  type ImageShape,
} from './datasets';
export {
  clearDatasetCache,
  datasetCacheSize,
  defaultValidationSize,
  loadDataset,
  planSplit,
  standardizePerImage,
  type DatasetSpec,
  type LoadedDataset,
  type Split,
  type SplitPlan,
} from './load';
export { CIFAR10_DIR_ENV, FASHION_MNIST_SYSTEM_DIR, locateDataset, type DatasetLocation, type LocationOrigin } from './locate';
