/**
 * Checks call-guidance script files against the script format, the way the desk reads them:
 *   npm run check-scripts -- <file or folder>...
 * Prints each problem as file:line:column path message, and exits 1 when there is any.
 * `--schema` prints the format as JSON Schema (docs/script.schema.json is this output).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseScript, ScriptSchema } from '../../src/guidance/script.js';

export function scriptJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(ScriptSchema, { io: 'input' }), null, 2)}\n`;
}

function main(args: string[]): number {
  if (args[0] === '--schema') {
    process.stdout.write(scriptJsonSchema());
    return 0;
  }
  if (args.length === 0) {
    console.error('Usage: npm run check-scripts -- <script file or folder>...');
    return 2;
  }
  const files = args.flatMap((arg) =>
    fs.existsSync(arg) && fs.statSync(arg).isDirectory()
      ? fs
          .readdirSync(arg)
          .filter((name) => /\.(json|ya?ml)$/i.test(name))
          .map((name) => path.join(arg, name))
      : [arg],
  );
  let problems = 0;
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      console.log(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      problems++;
      continue;
    }
    const result = parseScript(text, file);
    if (result.ok) {
      console.log(`${file}: ok (${result.script.id}, ${result.script.language}, revision ${result.script.revision})`);
      continue;
    }
    for (const problem of result.problems) {
      const where = problem.line ? `:${problem.line}:${problem.column ?? 1}` : '';
      console.log(`${file}${where}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`);
      problems++;
    }
  }
  return problems > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  process.exitCode = main(process.argv.slice(2));
}
