import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { HyperDriveConfig } from '../../src/experiment/config.js';
import { BUILTIN_EXAMPLES } from '../../src/examples/registry.js';
import { SEARCH_SPACE_LIMITS as L } from '../../src/space/limits.js';
import {
  decodeShareLink,
  encodeShareLink,
  exportSweepJobJson,
  exportSweepJobYaml,
  normalizeSweepFile,
  parseSweepFile,
  parseSweepJobText,
  type SweepFileError,
  toOptunaScript,
} from '../../src/sweep-file/index.js';
import {
  type SpecPort,
  type SpecReply,
  type SpecRequest,
  SpecConnection,
  SpecService,
} from '../../src/sweep-file/remote.js';
import { generateSpecs } from './sweep-file-generator.js';

// The spec worker's protocol with the real service behind a port that copies every message as
// postMessage does (structuredClone): what the Studio gets from the worker must be exactly what
// the in-process functions return or throw.

function clonedPort(): SpecPort & { requests: SpecRequest[] } {
  const service = new SpecService();
  let deliver: (message: unknown) => void = () => undefined;
  let queue: Promise<void> = Promise.resolve();
  const requests: SpecRequest[] = [];
  return {
    requests,
    post(request) {
      const copy = structuredClone(request);
      requests.push(copy);
      queue = queue.then(async () => {
        const reply = await service.handle(copy);
        if (reply !== null) deliver(structuredClone(reply));
      });
    },
    listen(onMessage) {
      deliver = onMessage;
    },
  };
}

const options = { builtinTrials: BUILTIN_EXAMPLES };
const valid = {
  trial: 'spiral',
  sampling_algorithm: 'random',
  objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
  search_space: {
    lr: { type: 'loguniform', min_value: -6, max_value: -1 },
    units: { type: 'choice', values: [8, 16] },
  },
  limits: { max_total_trials: 4 },
};

async function thrown(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function inProcess(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('the spec worker answers as the in-process functions do', () => {
  it('spec text: the same spec, warnings and origin, over the generator (JSON and YAML)', async () => {
    const connection = new SpecConnection(clonedPort());
    for (const input of generateSpecs(60, 5)) {
      const text = JSON.stringify(input);
      const local = parseSweepJobText(text, { ...options, source: 'a.json' });
      const remote = await connection.parseText(text, { ...options, source: 'a.json' });
      expect(remote.spec).toEqual(local.spec);
      expect(remote.warnings).toEqual(local.warnings);
      expect(remote.experimentName).toBe(local.experimentName);
      expect(remote.origin).toBe(local.origin);
    }
    const yaml =
      'trial: spiral\nsampling_algorithm: random\nobjective: {primary_metric: m, goal: maximize}\nsearch_space:\n  x: {type: uniform, min_value: 0, max_value: 1}\n';
    expect((await connection.parseText(yaml, options)).spec).toEqual(parseSweepJobText(yaml, options).spec);
  });

  it('errors keep their class, field, rule, value, message and position', async () => {
    const connection = new SpecConnection(clonedPort());
    const cases = [
      '{"trial": "spiral",',
      JSON.stringify({ ...valid, limits: { max_total_trials: 5000 } }, null, 2),
      JSON.stringify({ ...valid, search_space: { o: { type: 'choice', values: [] } } }, null, 2),
      'trial: spiral\nsearch_space:\n  <<: 3\n',
      JSON.stringify({
        ...valid,
        search_space: Object.fromEntries(Array.from({ length: L.maxParameters + 1 }, (_, i) => [`p${i}`, i])),
      }),
      JSON.stringify({
        ...valid,
        search_space: { c: { type: 'choice', values: Array.from({ length: L.maxChoiceValues + 1 }, (_, i) => i) } },
      }),
    ];
    for (const text of cases) {
      const local = inProcess(() => parseSweepJobText(text, { ...options, source: 'spec.json' }));
      const remote = await thrown(connection.parseText(text, { ...options, source: 'spec.json' }));
      expect(remote.message).toBe(local.message);
      expect(remote.constructor).toBe(local.constructor);
      expect(remote).toBeInstanceOf(ConfigError);
      const [l, r] = [local as SweepFileError, remote as SweepFileError];
      expect([r.field, r.rule, r.value, r.line, r.column, r.source]).toEqual([
        l.field,
        l.rule,
        l.value,
        l.line,
        l.column,
        l.source,
      ]);
    }
  });

  it('a check gives the config summary or the error, and where the form changed a loaded spec', async () => {
    const connection = new SpecConnection(clonedPort());
    const ok = await connection.check(valid, options);
    const config = new HyperDriveConfig(parseSweepFile(valid, options).hyperDriveConfigOptions);
    expect(ok.kind).toBe('valid');
    if (ok.kind !== 'valid') return;
    expect(ok.config).toEqual({
      warnings: config.warnings,
      maxTotalRuns: config.maxTotalRuns,
      maxConcurrentRuns: config.maxConcurrentRuns,
      samplingKind: config.hyperparameterSampling.kind,
      policyKind: config.policy.kind,
      trialTimeoutSeconds: config.trialTimeoutSeconds,
    });
    expect(ok.changes).toEqual([]);
    const bad = { ...valid, objective: { primary_metric: 'm', goal: 'max' } };
    const failed = await connection.check(bad, options);
    const local = inProcess(() => parseSweepFile(bad, options)) as ConfigError;
    expect(failed.kind).toBe('invalid');
    if (failed.kind !== 'invalid') return;
    expect(failed.error.message).toBe(local.message);
    expect((failed.error as ConfigError).field).toBe(local.field);
    const loaded = normalizeSweepFile({ ...valid, experiment_name: 'other' }, options);
    const compared = await connection.check(valid, options, loaded);
    expect(compared.changes).toEqual(['experiment_name']);
    expect((await connection.check(bad, options, loaded)).changes).toEqual([
      `the whole spec (the form cannot hold it: ${local.message})`,
    ]);
  });

  it('share links and exports are the in-process texts', async () => {
    const connection = new SpecConnection(clonedPort());
    const spec = normalizeSweepFile(valid, options);
    const link = await connection.encodeLink(spec, 'https://example.org/app/');
    expect(link).toBe(await encodeShareLink(spec, 'https://example.org/app/'));
    expect((await connection.decodeLink(link, options)).spec).toEqual((await decodeShareLink(link, options)).spec);
    const cut = link.slice(0, -8);
    const local = await thrown(decodeShareLink(cut, options));
    const remote = await thrown(connection.decodeLink(cut, options));
    expect([remote.message, (remote as ConfigError).field]).toEqual([local.message, (local as ConfigError).field]);
    expect(await connection.exportText('azure-yaml', spec)).toEqual(exportSweepJobYaml(spec));
    expect(await connection.exportText('azure-json', spec)).toEqual(exportSweepJobJson(spec));
    const optuna = toOptunaScript(spec);
    expect(await connection.exportText('optuna', spec)).toEqual({ text: optuna.text, warnings: optuna.warnings });
  });

  it('warm-start extras are sent once and used by every later check', async () => {
    const port = clonedPort();
    const connection = new SpecConnection(port);
    connection.setConfigExtras({ resumeFrom: [] });
    await connection.check(valid, options);
    await connection.check(valid, options);
    expect(port.requests.map((r) => r.kind)).toEqual(['config-extras', 'check', 'check']);
  });

  it('a worker that fails answers in process: waiting and later requests get the same results', async () => {
    let fail: (error: Error) => void = () => undefined;
    const posted: SpecRequest[] = [];
    const connection = new SpecConnection({
      post: (request) => posted.push(request),
      listen: (_onMessage, onFailure) => {
        fail = onFailure;
      },
    });
    const waiting = connection.check(valid, options);
    fail(new Error('the spec worker failed: it could not be started'));
    expect((await waiting).kind).toBe('valid');
    const text = JSON.stringify({ ...valid, limits: { max_total_trials: 5000 } });
    const local = inProcess(() => parseSweepJobText(text, options));
    expect((await thrown(connection.parseText(text, options))).message).toBe(local.message);
    expect(posted).toHaveLength(1);
    expect(connection.failure?.message).toMatch(/could not be started/);
  });

  it('a reply out of protocol moves the connection in process instead of hanging', async () => {
    let deliver: (message: unknown) => void = () => undefined;
    const connection = new SpecConnection({
      post: () => deliver({ kind: 'nonsense' } satisfies Partial<Record<keyof SpecReply, unknown>>),
      listen: (onMessage) => {
        deliver = onMessage;
      },
    });
    expect((await connection.check(valid, options)).kind).toBe('valid');
    expect(connection.failure?.message).toMatch(/out of protocol/);
  });
});
