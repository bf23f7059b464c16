import { describe, expect, it } from 'vitest';
import {
  SCHEMA_STEPS,
  SCHEMA_VERSION,
  schemaVersion,
  stepsToRun,
  type UpgradeStep,
} from '../../src/store/idb-schema.js';

const step = (version: number): UpgradeStep => ({ version, description: `v${version}`, apply: () => {} });

describe('the IndexedDB schema history', () => {
  it('is numbered from 1 without gaps, and its version is its length', () => {
    expect(SCHEMA_VERSION).toBe(SCHEMA_STEPS.length);
    expect(SCHEMA_STEPS.map((s) => s.version)).toEqual(SCHEMA_STEPS.map((_, i) => i + 1));
  });

  it('refuses a history with a gap, a repeat or nothing in it', () => {
    expect(() => schemaVersion([])).toThrow('at least one upgrade step');
    expect(() => schemaVersion([step(1), step(3)])).toThrow('upgrade step 2 ("v3") has version 3');
    expect(() => schemaVersion([step(1), step(1)])).toThrow('upgrade step 2 ("v1") has version 1');
  });

  it('runs every step after the old version, in order, so upgrades are cumulative', () => {
    const steps = [step(1), step(2), step(3)];
    expect(stepsToRun(steps, 0, 3).map((s) => s.version)).toEqual([1, 2, 3]);
    expect(stepsToRun(steps, 1, 3).map((s) => s.version)).toEqual([2, 3]);
    expect(stepsToRun(steps, 2, 3).map((s) => s.version)).toEqual([3]);
    expect(stepsToRun(steps, 3, 3)).toEqual([]);
  });
});
