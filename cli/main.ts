import { UsageError } from './args.ts';

const HELP = `lectern: protected course video that starts instantly

  lectern start                      run everything locally (npm start)
  lectern build                      build the edge artifacts and check their budgets
  lectern token <email> [--id] [--ttl <seconds>]
                                     print a local IdP token for a demo user

Environment: PORT (default 8787), LECTERN_DATA (default .lectern)`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await (await import('./start.ts')).startCommand();
      case 'build':
        return await (await import('./build.ts')).buildCommand();
      case 'token':
        return await (await import('./token.ts')).tokenCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(HELP);
        return 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`lectern: ${error.message}\n\n${HELP}`);
      return 2;
    }
    console.error(`lectern: ${(error as Error).message}`);
    if (process.env['LECTERN_DEBUG']) console.error(error);
    return 1;
  }
}
