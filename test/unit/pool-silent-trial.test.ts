import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/pool/options.js';

// The browser test (test/browser/silent-trial.test.ts) ends a silent trial in real workers with
// a short silentTrialMs; here: the default is bounded, and a bad value is refused.
describe('silentTrialMs', () => {
  it('defaults to 30 minutes, far below the sweep time limit of 7 days', () => {
    expect(resolveOptions({ size: 1 }).settings.silentTrialMs).toBe(30 * 60_000);
    expect(resolveOptions({ size: 1, silentTrialMs: 2_000 }).settings.silentTrialMs).toBe(2_000);
  });

  it('refuses a value that is not a number of milliseconds >= 100', () => {
    expect(() => resolveOptions({ size: 1, silentTrialMs: 0 })).toThrow(
      'silentTrialMs must be a number >= 100 (got 0)',
    );
    expect(() => resolveOptions({ size: 1, silentTrialMs: Number.NaN })).toThrow(/silentTrialMs/);
  });
});
