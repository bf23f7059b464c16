import { spawnSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import type { SweepReport } from '../../src/report/index.js';
import type { BackendSummary } from '../../src/app/headless-api.js';

// The real CLI as a user runs it: a subprocess driving its own headless Chromium. The suite
// already built dist/, so --no-build keeps this quick.
function sweepCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('npx', ['tsx', 'scripts/sweep.ts', ...args, '--no-build'], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('npm run sweep --json runs a built-in example on wasm and prints the documented JSON', async () => {
  const { status, stdout, stderr } = sweepCli('test/browser/fixtures/tiny-spiral.json', '--json');
  expect(status, stderr).toBe(0);
  const report = JSON.parse(stdout) as SweepReport & { backend: BackendSummary };
  expect(report.sweep.status).toBe('Completed');
  expect(report.sweep.experiment).toBe('cli-test');
  expect(report.objective).toEqual({ primaryMetric: 'val_accuracy', goal: 'MAXIMIZE' });
  expect(report.runs).toHaveLength(2);
  for (const run of report.runs) {
    expect(run.status).toBe('Completed');
    expect(run.intervals).toBe(3);
    expect(run.backend).toBe('wasm');
    expect(run.bestPrimaryMetric).toBeGreaterThan(0);
    expect(Object.keys(run.hyperparameters).sort()).toEqual(['epochs', 'hidden_units', 'learning_rate']);
  }
  expect(report.backend.used).toEqual(['wasm']);
  expect(report.best?.hyperparameters['learning_rate']).toBe(0.05);
  // Progress went to stderr, leaving stdout pure JSON.
  expect(stderr).toMatch(/Completed: 2\/4 runs/);
});

test('a training module given as a file path is served and trained, with a table by default', async () => {
  const { status, stdout, stderr } = sweepCli('test/browser/fixtures/custom-trial.json');
  expect(status, stderr).toBe(0);
  expect(stdout).toMatch(/^run\s+status\s+lr\s+steps\s+best distance\s+intervals\s+backend\s+reason/m);
  expect(stdout).toMatch(/^1\s+Completed\s+0\.3\s+5\s+\S+\s+5\s+cpu/m);
  expect(stdout).toContain('best: run');
  expect(stdout).toContain('lr=0.3');
});

test('the README training-module example trains the digits for real through the CLI', async () => {
  const { status, stdout, stderr } = sweepCli('examples/custom-module.json', '--json');
  expect(status, stderr).toBe(0);
  const report = JSON.parse(stdout) as SweepReport;
  expect(report.sweep.status).toBe('Completed');
  expect(report.runs.map((r) => [r.status, r.intervals, r.backend])).toEqual(
    Array.from({ length: 4 }, () => ['Completed', 3, 'wasm']),
  );
  // Three epochs of a small MLP on the digits beat chance (0.1) by far.
  expect(report.best?.bestPrimaryMetric).toBeGreaterThan(0.8);
});

test('a malformed spec exits non-zero naming the field, the rule and the value', async () => {
  const { status, stderr, stdout } = sweepCli('test/browser/fixtures/bad-spec.json', '--json');
  expect(status).toBe(2);
  expect(stdout).toBe('');
  expect(stderr).toContain(
    'spec error in test/browser/fixtures/bad-spec.json: line 3, column 59: ' +
      'search_space.learning_rate.min_value: must be less than max_value (0.1) (got 0.5)',
  );
});

test('bad arguments print usage and exit 2', async () => {
  const { status, stderr } = sweepCli('--backend', 'tpu', 'x.json');
  expect(status).toBe(2);
  expect(stderr).toContain('--backend must be one of auto, webgpu, webgl, wasm, cpu (got "tpu")');
  expect(stderr).toContain('usage: npm run sweep');
});
