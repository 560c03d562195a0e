// Pulumi's entry point, in plain JavaScript on purpose (see infra/README.md, "How Pulumi runs
// the program"). The project is ESM with `.ts` import specifiers; Pulumi's own TypeScript path
// (its vendored ts-node) does not handle those, so Pulumi.yaml turns it off (typescript: false)
// and this file registers tsx — the same loader bin/lectern.mjs uses for the CLI — before
// importing the TypeScript program. Pulumi imports this module (package.json has
// "type": "module"), calls the default export and uses what it returns as the stack outputs.
import { register } from 'tsx/esm/api';

register();
const { default: program } = await import('./main.ts');

export default program;
