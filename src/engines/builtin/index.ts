export { type BuiltinOptions, createBuiltinEngine } from './engine.js';
export { buildEvidencePack } from './evidence-pack.js';
