import { describe, expect, it } from 'vitest';
import {
  BanditPolicy,
  Experiment,
  GridParameterSampling,
  HyperDriveConfig,
  PrimaryMetricGoal,
  Workspace,
  choice,
} from '../../src/index.js';
import { buildSweepReport, progressLine, renderSweepReport, textTable } from '../../src/report/index.js';
import { sequentialIds, tick } from './helpers.js';

async function finishedSweep(): Promise<ReturnType<Experiment['submit']>> {
  const sweep = new Experiment(new Workspace({ createSweepId: sequentialIds('HD_r') }), 'report').submit(
    new HyperDriveConfig({
      hyperparameterSampling: new GridParameterSampling({ q: choice(0.9, 0.3, 0.8), opt: choice('adam') }),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 4,
      maxConcurrentRuns: 1,
      policy: new BanditPolicy({ slackFactor: 0.2, delayEvaluation: 2 }),
      train: async (params, run) => {
        if (params['q'] === 0.8) throw new Error('out of memory');
        for (let i = 1; i <= 4; i++) {
          run.log('val_accuracy', Number(params['q']) * (i / 4));
          await tick();
        }
      },
    }),
  );
  await sweep.waitForCompletion();
  return sweep;
}

describe('sweep report', () => {
  it('summarises status, counts, the best run and each run with its reason', async () => {
    const sweep = await finishedSweep();
    const report = buildSweepReport(sweep.getDetails(), sweep.getChildren());
    expect(report.sweep).toMatchObject({
      id: 'HD_r0',
      status: 'Completed',
      endReason: { kind: 'space-exhausted', runs: 3 },
    });
    expect(report.objective).toEqual({ primaryMetric: 'val_accuracy', goal: 'MAXIMIZE' });
    expect(report.counts).toEqual({ Queued: 0, Running: 0, Completed: 1, Canceled: 1, Failed: 1 });
    expect(report.best).toEqual({ runId: 'HD_r0_0', bestPrimaryMetric: 0.9, hyperparameters: { q: 0.9, opt: 'adam' } });
    expect(report.runs.map((r) => [r.id, r.status, r.intervals])).toEqual([
      ['HD_r0_0', 'Completed', 4],
      ['HD_r0_1', 'Canceled', 2],
      ['HD_r0_2', 'Failed', 0],
    ]);
    expect(report.runs[1]?.terminationReason).toMatch(
      /^stopped at interval 2: best 0\.15 < 0\.45\/\(1\+0\.2\) = 0\.375/,
    );
    expect(report.runs[2]?.error?.message).toBe('Error: out of memory');
    // The document is plain JSON.
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('renders a readable table with every hyperparameter and the outcome', async () => {
    const sweep = await finishedSweep();
    const text = renderSweepReport(buildSweepReport(sweep.getDetails(), sweep.getChildren()));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^run\s+status\s+q\s+opt\s+best val_accuracy\s+intervals\s+backend\s+reason$/);
    expect(lines[2]).toMatch(/^0\s+Completed\s+0\.9\s+adam\s+0\.9\s+4$/);
    // A policy stop reads "Stopped early (…)" in the table; the report's status stays Canceled (above).
    expect(lines[3]).toMatch(
      /^1\s+Stopped early \(Bandit, interval 2\)\s+0\.3\s+adam\s+0\.15\s+2\s+stopped at interval 2/,
    );
    expect(lines[4]).toMatch(/^2\s+Failed\s+0\.8\s+adam\s+—\s+0\s+Error: out of memory$/);
    expect(text).toContain('sweep HD_r0: Completed (space-exhausted)');
    expect(text).toContain('best: run HD_r0_0 with val_accuracy 0.9: q=0.9 opt=adam');
  });

  it('prints a progress line', async () => {
    const sweep = await finishedSweep();
    const details = sweep.getDetails();
    const line = progressLine(details, sweep.getChildren(), (details.startedAt ?? 0) + 1500);
    expect(line).toBe(
      '[1.5s] Completed: 3/4 runs — 0 running, 1 done, 1 terminated, 1 failed; best val_accuracy 0.9 (run HD_r0_0)',
    );
  });

  it('pads columns to the widest cell', () => {
    expect(textTable(['a', 'bb'], [['xxx', 'y']])).toBe('a    bb\n---  --\nxxx  y');
  });
});
