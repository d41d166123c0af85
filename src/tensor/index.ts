/** The tensor layer: dtypes, shapes, element conversions, Tensor views, statistics. */
export * from './dtype.js';
export * from './shape.js';
export * from './half.js';
export * from './convert.js';
export * from './fp8.js';
export * from './tensor.js';
export * from './stats.js';
