#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx lectern` works straight after `npm ci`
// without a separate compile step.
import { register } from 'tsx/esm/api';

// The pinned AWS SDK warns on every start that *future* releases will need Node 22; lectern pins
// its SDK versions and supports Node 20, so the warning only buries what a newcomer must read.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
