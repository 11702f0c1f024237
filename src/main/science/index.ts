// The science layer's public surface (pure TypeScript over typed arrays; see README.md).
export * from './rng';
export * from './init';
export * from './criteria';
export * from './prune';
export * from './actions';
export * from './lottery';
export * from './stats';
export * from './registry';
