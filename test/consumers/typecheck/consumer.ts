// Every entry point, type-checked as a consumer's strict TypeScript project sees the package.
import { BanditPolicy, HyperDriveConfig, MemoryStore, choice, loguniform, type RunRecord } from 'overdrive';
import { type AssetOptions, BrowserWorkspace, type RunningSweep } from 'overdrive/browser';
import { defineRunDetails } from 'overdrive/element';
import { encodeShareLink, parseSweepFile, toOptunaScript } from 'overdrive/spec';

const space = { learning_rate: loguniform(-6.9, -3.5), hidden_units: choice(16, 32) };
const policy = new BanditPolicy({ slackFactor: 0.15, evaluationInterval: 1, delayEvaluation: 3 });
const store: MemoryStore = new MemoryStore();
const assets: AssetOptions = { baseUrl: 'https://cdn.example.com/overdrive/lib/' };

export async function sweep(spec: unknown): Promise<readonly RunRecord[]> {
  const { experimentName, hyperDriveConfigOptions, backend } = parseSweepFile(spec);
  const workspace: BrowserWorkspace = await BrowserWorkspace.open({ name: 'typed', assets });
  const running: RunningSweep = await workspace.submit(experimentName, new HyperDriveConfig(hyperDriveConfigOptions), {
    ...(backend === undefined ? {} : { backend }),
  });
  await running.sweep.waitForCompletion();
  return running.sweep.getChildren();
}

export const shared: Promise<string> = encodeShareLink(
  parseSweepFile({ trial: 'digits-mlp', search_space: { x: { type: 'choice', values: [1] } } }).spec,
  'https://example.com/',
);
export const optuna: string = toOptunaScript.name;
export { defineRunDetails, policy, space, store };
