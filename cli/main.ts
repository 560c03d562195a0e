import { UsageError } from './args.ts';

const HELP = `lectern: protected course video that starts instantly

  lectern start                      run everything locally (npm start)
  lectern build                      build the edge artifacts and check their budgets
  lectern token <email> [--id] [--ttl <seconds>]
                                     print a local IdP token for a demo user
  lectern audit [--stack <name>] [--json]
                                     who can reach what at the edge, from the Pulumi program
  lectern encode <file> --course <c> --lesson <l> [--title <t>] [--after <lesson>] [--kind lecture|camera] [--with-240p]
               [--captions <lang>=<file.vtt|srt>]...
                                     encode and publish one lesson, with a progress bar
  lectern migrate <folder> [--course <c>] [--concurrency N] [--kind lecture|camera]
                                     batch-encode a folder of MP4/MOV (file name -> lesson; resumable;
                                     captions from <name>.<lang>.vtt|srt beside each file)
  lectern captions <course>/<lesson> [--captions <lang>=<file>]... [--remove <lang>]...
                                     add, replace or remove captions of a published lesson (no re-encode)
  lectern register <file> --course <c> --lesson <l> [--title <t>] [--after <lesson>]
                                     store a source for on-demand encoding (first request starts it)

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
      case 'audit':
        return await (await import('./audit.ts')).auditCommand(rest);
      case 'encode':
        return await (await import('./encode.ts')).encodeCommand(rest);
      case 'register':
        return await (await import('./encode.ts')).registerCommand(rest);
      case 'captions':
        return await (await import('./captions.ts')).captionsCommand(rest);
      case 'migrate':
        return await (await import('./migrate.ts')).migrateCommand(rest);
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
