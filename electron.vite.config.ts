import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import rendererConfig from './renderer/vite.config';

const root = path.dirname(fileURLToPath(import.meta.url));
const at = (...parts: string[]) => path.resolve(root, ...parts);

/**
 * The desktop build: main (ESM, as package.json "type": "module" makes electron-vite emit for
 * Electron 40) → out/main/index.js, and the customer bulk worker → out/main/customer-bulk-worker.js; the preload → out/preload/index.cjs (a sandboxed preload
 * cannot be an ES module, and must be one self-contained file: it may require only "electron");
 * the renderer exactly as renderer/vite.config.ts builds it for the web host → out/renderer.
 */
export default defineConfig({
  main: {
    build: {
      outDir: at('out', 'main'),
      // Every package.json dependency stays in node_modules and is loaded at run time: native
      // modules (better-sqlite3) cannot be bundled, and ws/pino load optional pieces dynamically.
      externalizeDeps: true,
      sourcemap: true,
      rolldownOptions: {
        input: {
          index: at('main', 'electron', 'main.ts'),
          // The customer cache's bulk worker (imports, seed) runs in a worker thread of its own, so it
          // is an entry of its own: src/customers/bulk.ts looks for it beside the bundle.
          'customer-bulk-worker': at('src', 'customers', 'bulk-worker.ts'),
          // Customer search, off the event loop for the same reason (src/customers/search.ts).
          'customer-search-worker': at('src', 'customers', 'search-worker.ts'),
          // The CRM sync: pulls and writes pages of the CRM's records (src/sync/client.ts).
          'sync-worker': at('src', 'sync', 'sync-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: at('out', 'preload'),
      externalizeDeps: false,
      sourcemap: true,
      rolldownOptions: {
        input: { index: at('main', 'electron', 'preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    build: {
      ...rendererConfig.build,
      rolldownOptions: { input: { index: at('renderer', 'index.html') } },
    },
  },
});
