import { defineConfig } from '@playwright/test';
import { CHROMIUM_FLAGS } from './scripts/chromium-flags.js';

// Browsers cannot be downloaded here: use Debian's Chromium (or CHROME_PATH when set).
const executablePath = process.env['CHROME_PATH'] ?? '/usr/bin/chromium';
// OVERDRIVE_TEST_PORT and OVERDRIVE_TEST_DIST let several suites run side by side on one machine,
// each against its own build and preview server (the defaults are what `npm test` uses).
const port = Number(process.env['OVERDRIVE_TEST_PORT'] ?? 4173);
const dist = process.env['OVERDRIVE_TEST_DIST'] ?? 'dist';

// The browser tests' harness pages are built only when this is set (vite.config.ts); a CLI run a
// test starts (which builds the app) inherits it, so its build keeps them for the tests after it.
process.env['OVERDRIVE_TEST_PAGES'] = '1';

export default defineConfig({
  testDir: 'test/browser',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: process.env['CI'] !== undefined,
  retries: 0,
  reporter: [['list']],
  outputDir: process.env['OVERDRIVE_TEST_RESULTS'] ?? 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    headless: true,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      args: [...CHROMIUM_FLAGS],
    },
  },
  webServer: {
    command: `npx vite preview --port ${port} --outDir ${dist}`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: process.env['CI'] === undefined,
    timeout: 60_000,
  },
});
