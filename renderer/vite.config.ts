import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The renderer build, shared by the web host (`npm run web`) and electron-vite. */
export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  // Files served as they are (the icon); the rest of assets/ is for installers and sounds.
  publicDir: path.resolve(here, '..', 'assets', 'web'),
  build: {
    outDir: path.resolve(here, '..', 'out', 'renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
});
