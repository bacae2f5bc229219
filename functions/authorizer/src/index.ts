export * from './app.js';
export * from './authorize.js';
