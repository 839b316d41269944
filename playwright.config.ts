import { defineConfig } from '@playwright/test';

/** Debian's Chromium; Playwright never downloads a browser of its own here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

export default defineConfig({
  testDir: 'tests',
  // Two minutes: under two workers on two cores a call test can take three times its lone time.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // Two files at a time: most of a call test is waiting (cuts, keepalives, ringing), and each file
  // starts its own Kamailio on free ports. The whole e2e suite takes ~11 min on 2 cores instead of
  // ~14 (E2E_WORKERS=1 runs them one by one, e.g. to rule contention out when a test fails).
  workers: Number(process.env.E2E_WORKERS ?? 2),
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      // The desktop app through Playwright's _electron; skips with a printed reason where the
      // Electron binary is absent. Needs `npx electron-vite build` first (test:all does it).
      name: 'electron',
      testDir: 'tests/electron',
      timeout: 90_000,
    },
    {
      name: 'e2e',
      testDir: 'tests/e2e',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: CHROMIUM,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
            '--use-fake-device-for-media-stream',
            '--use-fake-ui-for-media-stream',
            '--allow-loopback-in-peer-connection',
          ],
        },
      },
    },
  ],
});
