import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DistributionInput, DistributionSpec } from '../edge/distribution-spec.ts';
import { runAudit } from '../infra/audit/index.ts';
import { parseArgs, UsageError } from './args.ts';

/**
 * `lectern audit [--stack <name> | --stack-file <file>] [--spec <module>] [--build] [--json]`:
 * builds the Pulumi program under mocks and prints who can reach each path, the edge code, cache
 * keys, CORS, cookies and the key group, then every policy violation. Exit 1 on a mandatory
 * violation. `--spec` audits a proposed spec (a module exporting `defineDistribution`).
 */
export async function auditCommand(argv: readonly string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, { boolean: ['json', 'build'], value: ['stack', 'stack-file', 'spec'] });
  if (positionals.length > 0) throw new UsageError(`audit takes no arguments (got ${positionals.join(' ')})`);
  if (flags['stack'] !== undefined && flags['stack-file'] !== undefined) throw new UsageError('give --stack or --stack-file, not both');
  let defineSpec: ((input: DistributionInput) => DistributionSpec) | undefined;
  if (typeof flags['spec'] === 'string') {
    const module = (await import(pathToFileURL(path.resolve(flags['spec'])).href)) as { defineDistribution?: unknown };
    if (typeof module.defineDistribution !== 'function') throw new UsageError(`${flags['spec']} must export defineDistribution`);
    defineSpec = module.defineDistribution as (input: DistributionInput) => DistributionSpec;
  }
  const result = await runAudit({
    ...(typeof flags['stack'] === 'string' ? { stack: flags['stack'] } : {}),
    ...(typeof flags['stack-file'] === 'string' ? { stackFile: path.resolve(flags['stack-file']) } : {}),
    ...(defineSpec ? { defineSpec } : {}),
    build: flags['build'] === true,
  });
  process.stdout.write(flags['json'] ? JSON.stringify(result.report, null, 2) + '\n' : result.markdown);
  return result.failed ? 1 : 0;
}
