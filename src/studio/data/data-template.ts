import {
  BUILTIN_EXAMPLES,
  HyperDriveConfig,
  overdrive,
  parseSweepFile,
  type SweepFile,
  TEMPLATE_PRIMARY_METRIC,
  templateSearchSpace,
  toSweepFile,
} from '../engine.js';
import type { DataChoice } from './data-step.js';
import { dataBindingFile } from './sweep-data.js';
import { experimentStem } from './suggest.js';

/** What a first sweep on a person's data runs: small enough for a laptop, large enough to compare. */
const FIRST_SWEEP = { runs: 12, atOnce: 2, timeoutSeconds: 1800 } as const;

/** The built-in template that trains on this kind of data. */
export function templateFor(choice: DataChoice): 'tabular-mlp' | 'image-cnn' {
  return choice.kind === 'images' ? 'image-cnn' : 'tabular-mlp';
}

/**
 * The sweep a picked dataset starts as: the matching template with its default search space (the
 * template's own, exported beside it, so the builder never keeps a copy), its task's metric and
 * goal, random sampling and Bandit stopping, and the data binding. Built through the engine's
 * config and its sweep-file writer, then parsed like any spec, so the builder holds nothing the
 * CLI would read differently.
 */
export function dataTemplateSpec(choice: DataChoice): SweepFile {
  const template = templateFor(choice);
  const task = choice.kind === 'images' ? 'classification' : choice.preparation.task;
  const objective = TEMPLATE_PRIMARY_METRIC[task];
  const config = new HyperDriveConfig({
    hyperparameterSampling: new overdrive.RandomParameterSampling(templateSearchSpace(template), { seed: 42 }),
    primaryMetricName: objective.metric,
    primaryMetricGoal: objective.goal === 'maximize' ? 'MAXIMIZE' : 'MINIMIZE',
    maxTotalRuns: FIRST_SWEEP.runs,
    maxConcurrentRuns: FIRST_SWEEP.atOnce,
    maxDurationMinutes: FIRST_SWEEP.timeoutSeconds / 60,
    trial: { kind: 'builtin', name: template },
    // A gentle Bandit policy (HyperDrive's usual first choice): runs far behind the best stop
    // after a few epochs, which matters most on a person's first sweep of a bigger table.
    policy: new overdrive.BanditPolicy({ slackFactor: 0.2, evaluationInterval: 1, delayEvaluation: 5 }),
  });
  const stem = experimentStem(choice.dataset.name);
  const { spec } = toSweepFile(config.toRecord(), {
    experiment_name: stem,
    display_name: `${template} on ${choice.dataset.name}`,
  });
  return parseSweepFile(
    {
      ...spec,
      data: dataBindingFile(choice),
    },
    { builtinTrials: BUILTIN_EXAMPLES },
  ).spec;
}
