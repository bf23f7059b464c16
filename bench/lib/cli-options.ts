/**
 * The profilers' command lines (bench/profile*.ts): each declares its flags with their defaults,
 * and gets back values of the defaults' types. A number flag that does not parse, a choice flag
 * outside its choices, or an unknown flag stops the tool with a message naming the flag, the rule
 * and the value given, before a browser is started for nothing.
 */
import { parseArgs } from 'node:util';

/** A flag's default fixes its type; `{ choices }` restricts a string flag (the first is the default). */
export type FlagSpec = string | number | boolean | { readonly choices: readonly [string, ...string[]] };

export type FlagValues<S extends Readonly<Record<string, FlagSpec>>> = {
  readonly [K in keyof S]: S[K] extends number
    ? number
    : S[K] extends boolean
      ? boolean
      : S[K] extends { readonly choices: readonly (infer C)[] }
        ? C
        : string;
};

/** The tool's flags from its command line; a bad flag ends the process with its message (status 2). */
export function parseFlags<const S extends Readonly<Record<string, FlagSpec>>>(
  spec: S,
  argv: readonly string[] = process.argv.slice(2),
): FlagValues<S> {
  try {
    return readFlags(spec, argv);
  } catch (error: unknown) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}

/** The flags of `argv` against `spec`; throws on a bad one. */
export function readFlags<const S extends Readonly<Record<string, FlagSpec>>>(
  spec: S,
  argv: readonly string[],
): FlagValues<S> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, flag] of Object.entries(spec))
    options[name] = { type: typeof flag === 'boolean' ? 'boolean' : 'string' };
  const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  const out: Record<string, string | number | boolean> = {};
  for (const [name, flag] of Object.entries(spec)) {
    const given = values[name];
    if (typeof flag === 'boolean') {
      out[name] = given === true;
    } else if (typeof flag === 'number') {
      const n = typeof given === 'string' ? Number(given) : flag;
      if (!Number.isFinite(n)) throw new Error(`--${name} must be a number; got "${String(given)}"`);
      out[name] = n;
    } else if (typeof flag === 'string') {
      out[name] = typeof given === 'string' ? given : flag;
    } else {
      const value = typeof given === 'string' ? given : flag.choices[0];
      if (!flag.choices.includes(value))
        throw new Error(`--${name} must be one of ${flag.choices.join(', ')}; got "${value}"`);
      out[name] = value;
    }
  }
  return out as FlagValues<S>;
}

/** Runs a tool's main and turns a failure into its message on stderr and exit status 1. */
export function runTool(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
