export { erfc, normalCdf, normalPdf, normalQuantile } from './normal.js';
export { quantize, decimalsOf } from './quantize.js';
