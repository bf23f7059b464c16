// `npm run test:browser` (and so `npm test`) starts with this: the browser tests drive Debian's
// Chromium, and without it Playwright fails with a page of launch errors. One line instead.
import { existsSync } from 'node:fs';

const path = process.env['CHROME_PATH'] ?? '/usr/bin/chromium';
if (!existsSync(path)) {
  process.stderr.write(
    `npm test: no Chromium at ${path}: install Debian's with \`sudo apt-get install -y chromium\` (bash .ci/run does it), or set CHROME_PATH\n`,
  );
  process.exit(1);
}
