export * from './settings.js';
export * from './line.js';
export * from './calls.js';
export * from './messages.js';
export * from './validate.js';
export * from './bridge.js';
export * from './customers.js';
export * from './sync.js';
