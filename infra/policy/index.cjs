// The policy pack's entry point, CommonJS on purpose: Pulumi's policy-pack host loads a pack
// with require() (after registering its own ts-node for .ts files it would require). This file
// hands the pack to tsx's ESM loader instead — the loader the rest of the repository uses for
// its `.ts` import specifiers — and the host awaits the function it exports.
'use strict';

module.exports = async function loadLecternPolicyPack() {
  // import(), not require(): tsx's CommonJS build of this API points its hooks at a file it does
  // not ship; the ESM build is the one bin/lectern.mjs and infra/index.mjs use.
  const { register } = await import('tsx/esm/api');
  register();
  await import('./pack.ts');
};
