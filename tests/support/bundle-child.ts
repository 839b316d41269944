import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Bundles a child process of a crash test (tests/support/<name>.ts) into one ES module, so that the
 * many starts of a kill-and-restart test take a third of the time of resolving and loading zod,
 * libphonenumber-js and pino from node_modules each time. Only the native module stays outside.
 * The bundle lives inside the project (.tmp/), where its external packages resolve.
 */
export async function bundleChild(name: string): Promise<{ file: string; dispose: () => void }> {
  fs.mkdirSync(path.join(projectRoot, '.tmp'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(projectRoot, '.tmp', `${name}-`));
  const file = path.join(dir, 'child.mjs');
  await build({
    entryPoints: [path.join(projectRoot, 'tests', 'support', `${name}.ts`)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return { file, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
