/** A tiny argv parser: positionals, `--flag`, `--key value`, repeatable `--key value`; unknown flags are an error. */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Record<string, string | true>;
  /** The `repeat` options: every value in order (absent: none given). */
  readonly lists: Record<string, string[]>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(
  argv: readonly string[],
  spec: { readonly boolean?: readonly string[]; readonly value?: readonly string[]; readonly repeat?: readonly string[] },
): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  const lists: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (spec.boolean?.includes(name)) {
      flags[name] = true;
    } else if (spec.value?.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
    } else if (spec.repeat?.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      (lists[name] ??= []).push(value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positionals, flags, lists };
}
