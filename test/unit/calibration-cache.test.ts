import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrationCacheFile, cliCalibrationCache } from '../../scripts/calibration-cache.js';

// The CLI's on-disk calibration cache (scripts/calibration-cache.ts).
describe('the CLI calibration cache', () => {
  const result = { workload: 'spiral', candidates: [], chosen: 'wasm', reason: 'wasm was fastest', totalMs: 5 };

  it('keeps a result per browser version and key, ignored on --recalibrate', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'overdrive-cache-')), 'overdrive', 'calibration.json');
    await cliCalibrationCache('141.0.1', false, file).set('builtin:spiral|webgpu,webgl,wasm,cpu', result);
    expect(await cliCalibrationCache('141.0.1', false, file).get('builtin:spiral|webgpu,webgl,wasm,cpu')).toEqual(
      result,
    );
    // Another Chromium, another trial, or a forced re-measurement: nothing to reuse.
    expect(await cliCalibrationCache('142.0.0', false, file).get('builtin:spiral|webgpu,webgl,wasm,cpu')).toBeNull();
    expect(
      await cliCalibrationCache('141.0.1', false, file).get('builtin:digits-mlp|webgpu,webgl,wasm,cpu'),
    ).toBeNull();
    expect(await cliCalibrationCache('141.0.1', true, file).get('builtin:spiral|webgpu,webgl,wasm,cpu')).toBeNull();
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object)).toEqual([
      '141.0.1|builtin:spiral|webgpu,webgl,wasm,cpu',
    ]);
  });

  it('lives under XDG_CACHE_HOME, else ~/.cache', () => {
    expect(calibrationCacheFile({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/overdrive/calibration.json');
    expect(calibrationCacheFile({})).toMatch(/\.cache\/overdrive\/calibration\.json$/);
  });
});
