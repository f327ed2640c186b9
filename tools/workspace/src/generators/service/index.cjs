// Nx loads a generator with require(). The generator is TypeScript, and this workspace runs
// TypeScript through tsx (Node 20 cannot strip types; Nx's own fallbacks, swc-node and ts-node,
// are not installed), so this entry point loads it with tsx's API.
const { pathToFileURL } = require('node:url');

module.exports = async function serviceGenerator(tree, options) {
  const { tsImport } = await import('tsx/esm/api');
  const generator = await tsImport('./service.generator.ts', pathToFileURL(__filename).href);
  return generator.serviceGenerator(tree, options);
};
