import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEADLESS_PAGE, isUpToDate, sourceFingerprint, writeStamp } from '../../scripts/app-build.js';

// `npm run sweep` rebuilds dist/ only when a source changed (scripts/app-build.ts).
describe('the CLI app build stamp', () => {
  it('is up to date only for the sources it was built from', () => {
    const root = mkdtempSync(join(tmpdir(), 'overdrive-app-build-'));
    const dist = join(root, 'dist');
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(root, 'src/a.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'index.html'), '<!doctype html>\n');
    expect(isUpToDate(root, dist)).toBe(false);

    mkdirSync(join(dist, 'src/app'), { recursive: true });
    writeFileSync(join(dist, HEADLESS_PAGE), '<!doctype html>\n');
    writeStamp(dist, sourceFingerprint(root));
    expect(isUpToDate(root, dist)).toBe(true);

    // Touched (same bytes, a new modification time): rebuilt, as a build tool would.
    utimesSync(join(root, 'src/a.ts'), new Date(), new Date(Date.now() + 5_000));
    expect(isUpToDate(root, dist)).toBe(false);
    writeStamp(dist, sourceFingerprint(root));
    writeFileSync(join(root, 'src/b.ts'), 'export const b = 2;\n');
    expect(isUpToDate(root, dist)).toBe(false);
  });
});
