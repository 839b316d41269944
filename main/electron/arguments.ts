/**
 * The value of a command-line switch, given as `--name value` or `--name=value`; undefined when
 * the switch is absent (an empty string when it is given without a value).
 */
export function argumentValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === name) return argv[i + 1] ?? '';
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}
