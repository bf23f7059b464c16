import {
  FILE_POLICY_ROWS,
  samplingRow,
  BUILTIN_EXAMPLES,
  isDataTemplate,
  digitsCnnSweepFile as digitsCnn,
  digitsMlpSweepFile as digitsMlp,
  normalizeSweepFile,
  spiralSweepFile as spiral,
  type SweepFile,
} from '../engine.js';

/** What the builder offers for each built-in example: the shipped example spec, in the repo's examples/. */
export interface ExamplePreset {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly spec: SweepFile;
}

const SOURCES: Readonly<Record<string, { readonly title: string; readonly data: unknown }>> = {
  'digits-mlp': { title: 'Dense network on 8x8 handwritten digits', data: digitsMlp },
  'digits-cnn': { title: 'Small CNN on the digits as 8x8 images', data: digitsCnn },
  spiral: { title: 'TensorFlow Playground spiral (2-D toy set)', data: spiral },
};

/** The presets, validated once with the same parser as any spec, so a broken example fails loudly. */
// The data templates (tabular-mlp, image-cnn) need the person's dataset: the Data step offers them.
export const PRESETS: readonly ExamplePreset[] = BUILTIN_EXAMPLES.filter((name) => !isDataTemplate(name)).map(
  (name) => {
    const source = SOURCES[name];
    if (source === undefined) throw new Error(`no example spec for built-in example ${name}`);
    const spec = normalizeSweepFile(source.data, { builtinTrials: BUILTIN_EXAMPLES });
    return { name, title: source.title, description: describeSweepFile(source.title, spec), spec };
  },
);

/**
 * A preset's description, written from its own values (runs, concurrency, epochs, sampling,
 * policy) so that the words can never say something the form it fills in does not.
 */
export function describeSweepFile(lead: string, spec: SweepFile): string {
  const { max_total_trials: runs, max_concurrent_trials: atOnce } = spec.limits;
  const sampling = samplingRow(spec.sampling_algorithm.type)
    .label.replace(/\s*\(.*$/, '')
    .toLowerCase();
  const epochs = spec.search_space['epochs'];
  const parts = [
    `${runs} ${sampling} configuration${runs === 1 ? '' : 's'}`,
    `${atOnce} at a time`,
    ...(typeof epochs === 'number' ? [`${epochs} epoch${epochs === 1 ? '' : 's'} each`] : []),
  ];
  const policy = spec.early_termination;
  let stopping = 'every run trains to the end';
  if (policy !== undefined) {
    const row = FILE_POLICY_ROWS.find((r) => r.file.type === policy.type);
    const values = policy as unknown as Readonly<Record<string, unknown>>;
    const settings = (row?.fields ?? [])
      .filter((field) => values[field.fileKey] !== undefined)
      .map((field) => `${field.label} ${String(values[field.fileKey])}`);
    const name = (row?.label ?? policy.type).replace(/\s*\(.*$/, '');
    stopping = `${name} early termination${settings.length === 0 ? '' : ` (${settings.join(', ')})`}`;
  }
  return `${lead}: ${parts.join(', ')}; ${stopping}.`;
}

export function presetFor(name: string): ExamplePreset | undefined {
  return PRESETS.find((p) => p.name === name);
}

/**
 * The demo the app starts with (`#/demo`): the digits MLP example cut down so that it finishes
 * in about a minute on a laptop CPU, and shows early termination at work.
 */
export function demoSpec(): SweepFile {
  const base = presetFor('digits-mlp')?.spec;
  if (base === undefined) throw new Error('the digits-mlp example is missing');
  const spec = normalizeSweepFile(
    {
      ...base,
      experiment_name: 'demo',
      display_name: 'Overdrive demo: digits MLP',
      search_space: { ...base.search_space, epochs: 6, train_samples: 900 },
      limits: { max_total_trials: 12, max_concurrent_trials: 4, timeout: 600 },
      backend: 'auto',
    },
    { builtinTrials: BUILTIN_EXAMPLES },
  );
  // Written from the demo's own values, not the digits-mlp example's (which trains longer).
  return { ...spec, description: describeSweepFile(DEMO_LEAD, spec) };
}

const DEMO_LEAD = 'The demo, a dense network on 8x8 handwritten digits';
