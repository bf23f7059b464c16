export { erfc, erfcx, normalCdf, normalPdf, normalQuantile } from './normal.js';
export { quantize, decimalsOf } from './quantize.js';
export { fnv1a32 } from './fnv1a.js';
