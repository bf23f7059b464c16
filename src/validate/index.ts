export * from './config.js';
export * from './did-you-mean.js';
export * from './paths.js';
export * from './readers.js';
