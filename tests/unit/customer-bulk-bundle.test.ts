import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import electronViteConfig from '../../electron.vite.config.js';
import { BULK_WORKER_BUNDLE_FILE } from '../../src/customers/bulk.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Inside the project, so that the bundle's external packages resolve from its node_modules.
fs.mkdirSync(path.join(root, '.tmp'), { recursive: true });
const work = fs.mkdtempSync(path.join(root, '.tmp', 'bundle-test-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/**
 * The Electron build bundles main with electron-vite; the bulk worker must come out as an entry of
 * its own that bulk.ts finds from inside the bundle. This builds a stand-in main (the real one
 * does not import the customer cache yet) with the real config's worker entry, and runs it.
 */
describe('the bulk worker in an electron-vite bundle', () => {
  it('is an entry of the main build, found and started from the bundled code', () => {
    const input = (
      electronViteConfig as { main?: { build?: { rolldownOptions?: { input?: Record<string, string> } } } }
    ).main?.build?.rolldownOptions?.input;
    const workerEntry = input?.[BULK_WORKER_BUNDLE_FILE.replace(/\.js$/, '')];
    expect(workerEntry).toBe(path.join(root, 'src', 'customers', 'bulk-worker.ts'));

    fs.writeFileSync(
      path.join(work, 'main.ts'),
      `
import fs from 'node:fs';
import path from 'node:path';
import { importCustomersInWorker, locateBulkWorker } from ${JSON.stringify(path.join(root, 'src/customers/bulk.ts'))};
const [dir] = process.argv.slice(2);
const csvFile = path.join(dir, 'in.csv');
fs.writeFileSync(csvFile, 'external_id,given_name,family_name,phones\\nB1,Bianca,Bündel,+39 347 123 4567\\nB2,Bad,Row,1\\n');
const report = await importCustomersInWorker({ dbFile: path.join(dir, 'customers.sqlite'), csvFile, region: 'IT' });
console.log(JSON.stringify({ entry: locateBulkWorker(), report }));
`,
    );
    fs.writeFileSync(
      path.join(work, 'electron.vite.config.mjs'),
      `
import { defineConfig } from 'electron-vite';
export default defineConfig({
  main: {
    root: ${JSON.stringify(root)},
    logLevel: 'warn',
    build: {
      outDir: ${JSON.stringify(path.join(work, 'out', 'main'))},
      externalizeDeps: true,
      rolldownOptions: {
        input: { index: ${JSON.stringify(path.join(work, 'main.ts'))}, ${JSON.stringify(BULK_WORKER_BUNDLE_FILE.replace(/\.js$/, ''))}: ${JSON.stringify(workerEntry)} },
      },
    },
  },
});
`,
    );
    execFileSync(
      path.join(root, 'node_modules', '.bin', 'electron-vite'),
      ['build', '--config', path.join(work, 'electron.vite.config.mjs')],
      {
        cwd: root,
        stdio: 'pipe',
      },
    );
    const out = path.join(work, 'out', 'main');
    expect(fs.existsSync(path.join(out, BULK_WORKER_BUNDLE_FILE))).toBe(true);

    const output = execFileSync(process.execPath, [path.join(out, 'index.js'), work], { encoding: 'utf8' });
    const { entry, report } = JSON.parse(output) as { entry: { url: string; typescript: boolean }; report: unknown };
    expect(entry).toEqual({ url: pathToFileURL(path.join(out, BULK_WORKER_BUNDLE_FILE)).href, typescript: false });
    expect(report).toMatchObject({
      imported: 1,
      rejected: 1,
      rejectedRows: [{ line: 3, externalId: 'B2', reason: '"1" is not a phone number' }],
    });
  }, 60_000);
});
