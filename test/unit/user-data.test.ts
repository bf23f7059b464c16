import { describe, expect, it } from 'vitest';
import type { FittedPreparation, PreparedData } from '../../src/data/index.js';
import { parseModelPreparation } from '../../src/browser/try-model.js';
import {
  checkDatasetStored,
  dataBindingOf,
  type DatasetPreparer,
  PreparedDataCache,
  sweepDataSource,
} from '../../src/browser/user-data.js';
import { ConfigError } from '../../src/errors.js';
import type { HyperDriveConfig } from '../../src/experiment/config.js';
import { parseUserDataRequest, ProtocolError } from '../../src/pool/protocol.js';
import { answerUserData, copyInSlices } from '../../src/pool/user-data.js';

// The page's side of env.datasets.user: the request parsed at the boundary, prepared once per
// dataset and spec, answered with copies; a dataset not stored refuses the sweep.

const ID = `sha256-${'ab'.repeat(32)}`;
const OTHER = `sha256-${'cd'.repeat(32)}`;

const FITTED: FittedPreparation = {
  version: 1,
  spec: {
    target: 'species',
    task: 'classification',
    drop: [],
    missing: 'impute',
    categorical: 'one-hot',
    validationFraction: 0.2,
    seed: 1,
  },
  features: [
    { kind: 'numeric', column: 'mass', mean: 4200, std: 800 },
    { kind: 'one-hot', column: 'island', categories: ['Biscoe', 'Dream', 'Torgersen'], fill: 'Biscoe' },
  ],
  inputSize: 4,
  classes: ['Adelie', 'Gentoo'],
  target: null,
  missingReport: { droppedRows: 0, imputed: [] },
  rows: { train: 2, validation: 1 },
  ignored: [],
};

function prepared(): PreparedData {
  return {
    xTrain: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]),
    yTrain: new Float32Array([0, 1]),
    xValidation: new Float32Array([9, 10, 11, 12]),
    yValidation: new Float32Array([1]),
    inputShape: [4],
    classes: ['Adelie', 'Gentoo'],
    task: 'classification',
    preparation: FITTED,
  };
}

/** A preparer over an in-memory set of stored datasets that counts its preparations. */
function preparer(stored: Record<string, string>): DatasetPreparer & { prepared: string[] } {
  const prepared_: string[] = [];
  return {
    prepared: prepared_,
    storedName: async (id) => stored[id] ?? null,
    prepare: async (id, spec) => {
      prepared_.push(`${id} ${JSON.stringify(spec)}`);
      return prepared();
    },
  };
}

const binding = { dataset: ID, name: 'penguins.csv', preparation: { target: 'species', seed: 1 } };
const configWith = (data: unknown) => ({ data }) as unknown as HyperDriveConfig;

describe('a worker request for a stored dataset', () => {
  it('parses the sweep-binding form and the id form', () => {
    expect(parseUserDataRequest({ kind: 'user-data', dataset: null })).toEqual({ kind: 'user-data', dataset: null });
    expect(parseUserDataRequest({ kind: 'user-data', dataset: ID })).toEqual({ kind: 'user-data', dataset: ID });
  });

  it('refuses anything else, naming the field', () => {
    expect(() => parseUserDataRequest('x')).toThrow(ProtocolError);
    expect(() => parseUserDataRequest({ kind: 'fetch', dataset: null })).toThrow(
      'user data request.kind must be user-data (got "fetch")',
    );
    expect(() => parseUserDataRequest({ kind: 'user-data', dataset: '../../etc/passwd' })).toThrow(
      /user data request.dataset must be null \(the sweep's own dataset\) or a stored dataset id/,
    );
    expect(() => parseUserDataRequest({ kind: 'user-data', dataset: 7 })).toThrow(/user data request.dataset/);
    expect(() => parseUserDataRequest({ kind: 'user-data', dataset: null, path: '/x' })).toThrow(
      /user data request.path is not a user data request field/,
    );
  });
});

describe('the pool answers a request', () => {
  it('with copies of the arrays (the page keeps its own), marked for transfer', async () => {
    const original = prepared();
    const answer = await answerUserData(async () => original, 'HD_1', { kind: 'user-data', dataset: null });
    expect(Array.from(answer.xTrain)).toEqual(Array.from(original.xTrain));
    expect(answer.xTrain).not.toBe(original.xTrain);
    expect(answer.xTrain.buffer).not.toBe(original.xTrain.buffer);
    expect(answer.yValidation).not.toBe(original.yValidation);
    expect(answer.preparation).toEqual(FITTED);
  });

  it('copies a large array slice by slice, yielding between slices, into a buffer of its own', async () => {
    const source = Float32Array.from({ length: 10 }, (_, i) => i * 1.5);
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 0);
    try {
      const copy = await copyInSlices(source, 3);
      expect(Array.from(copy)).toEqual(Array.from(source));
      expect(copy.buffer).not.toBe(source.buffer);
      // Four slices, three yields: the timer queued before ran between them.
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(ticking);
    }
    await expect(copyInSlices(new Float32Array(0), 3)).resolves.toHaveLength(0);
  });

  it('passes the sweep and the id to the source', async () => {
    const asked: unknown[] = [];
    await answerUserData(
      async (request) => {
        asked.push(request);
        return prepared();
      },
      'HD_1',
      { kind: 'user-data', dataset: OTHER },
    );
    expect(asked).toEqual([{ sweepId: 'HD_1', dataset: OTHER }]);
  });

  it('without a source, or for a malformed request, rejects saying why', async () => {
    await expect(answerUserData(undefined, 'HD_1', { kind: 'user-data', dataset: null })).rejects.toThrow(
      /this sweep has no stored dataset to hand out/,
    );
    await expect(answerUserData(async () => prepared(), 'HD_1', { kind: 'nope' })).rejects.toThrow(
      /^env.datasets.user: user data request.kind must be user-data/,
    );
  });
});

describe("the sweep's data binding", () => {
  it('is read from config.data; none is null', () => {
    expect(dataBindingOf(configWith(undefined))).toBeNull();
    expect(dataBindingOf(configWith(binding))).toEqual(binding);
    expect(() => dataBindingOf(configWith({ dataset: 'penguins.csv' }))).toThrow(
      'data.dataset: must be a stored dataset id (sha256- and 64 hex digits) (got "penguins.csv")',
    );
  });

  it('a sweep whose dataset is not stored here is refused before it starts, naming the dataset and what to do', async () => {
    await expect(checkDatasetStored(configWith(binding), preparer({ [ID]: 'penguins.csv' }))).resolves.toBeUndefined();
    await expect(checkDatasetStored(configWith(undefined), preparer({}))).resolves.toBeUndefined();
    const refusal = checkDatasetStored(configWith(binding), preparer({}));
    await expect(refusal).rejects.toBeInstanceOf(ConfigError);
    await expect(checkDatasetStored(configWith(binding), preparer({}))).rejects.toThrow(
      /^data.dataset: dataset "penguins.csv" \(sha256-abab.*\) is not stored in this browser: pick the file "penguins.csv" again/,
    );
  });
});

describe('prepared data is computed once per dataset and spec', () => {
  it('every worker of a sweep shares one preparation; another spec or dataset prepares again', async () => {
    const source = preparer({ [ID]: 'penguins.csv', [OTHER]: 'penguins-2.csv' });
    const cache = new PreparedDataCache(source);
    const data = sweepDataSource(binding, cache);
    const answers = await Promise.all([
      data({ sweepId: 'HD_1', dataset: null }),
      data({ sweepId: 'HD_1', dataset: null }),
      data({ sweepId: 'HD_1', dataset: ID }),
    ]);
    expect(source.prepared).toHaveLength(1);
    expect(answers[0]).toBe(answers[1]);
    // The same spec written in another key order is the same preparation.
    await sweepDataSource(
      { ...binding, preparation: { seed: 1, target: 'species' } },
      cache,
    )({
      sweepId: 'HD_2',
      dataset: null,
    });
    expect(source.prepared).toHaveLength(1);
    await data({ sweepId: 'HD_1', dataset: OTHER });
    await sweepDataSource(
      { ...binding, preparation: { target: 'species', seed: 2 } },
      cache,
    )({
      sweepId: 'HD_3',
      dataset: null,
    });
    expect(source.prepared).toHaveLength(3);
  });

  it('a dataset deleted since is an error naming it; stored again, it is prepared', async () => {
    const stored: Record<string, string> = {};
    const source = preparer(stored);
    const data = sweepDataSource(binding, new PreparedDataCache(source));
    await expect(data({ sweepId: 'HD_1', dataset: null })).rejects.toThrow(
      /dataset "penguins.csv" \(sha256-abab.*\) is not stored in this browser: pick the file "penguins.csv" again/,
    );
    stored[ID] = 'penguins.csv';
    await expect(data({ sweepId: 'HD_1', dataset: null })).resolves.toMatchObject({ task: 'classification' });
  });

  it("a sweep's arrays are dropped when the last sweep that asked for them ends; the fitted preparation stays for exports", async () => {
    const source = preparer({ [ID]: 'penguins.csv' });
    const cache = new PreparedDataCache(source);
    const first = sweepDataSource(binding, cache);
    const second = sweepDataSource(binding, cache);
    await first({ sweepId: 'HD_1', dataset: null });
    await second({ sweepId: 'HD_2', dataset: null });
    expect(source.prepared).toHaveLength(1);
    // One of two sweeps ended: the other's later workers still get the same arrays.
    cache.sweepEnded('HD_1');
    expect(cache.held).toBe(1);
    await second({ sweepId: 'HD_2', dataset: null });
    expect(source.prepared).toHaveLength(1);
    cache.sweepEnded('HD_2');
    expect(cache.held).toBe(0);
    // Exporting the best model afterwards needs only the fitted preparation: not prepared again.
    await expect(cache.preparation(ID, 'penguins.csv', binding.preparation)).resolves.toEqual(FITTED);
    expect(source.prepared).toHaveLength(1);
    // A sweep continued later prepares again (the arrays were dropped), then holds them.
    await first({ sweepId: 'HD_1', dataset: null });
    expect(source.prepared).toHaveLength(2);
    expect(cache.held).toBe(1);
  });

  it('an export on a page that never ran the sweep prepares once and keeps no arrays', async () => {
    const source = preparer({ [ID]: 'penguins.csv' });
    const cache = new PreparedDataCache(source);
    await expect(cache.preparation(ID, 'penguins.csv', binding.preparation)).resolves.toEqual(FITTED);
    await expect(cache.preparation(ID, 'penguins.csv', binding.preparation)).resolves.toEqual(FITTED);
    expect(source.prepared).toHaveLength(1);
    expect(cache.held).toBe(0);
  });

  it('a sweep without a binding has no preparation to apply, and says so', async () => {
    const data = sweepDataSource(null, new PreparedDataCache(preparer({ [ID]: 'x.csv' })));
    await expect(data({ sweepId: 'HD_1', dataset: ID })).rejects.toThrow(/this sweep has no data binding/);
  });
});

describe('a preparation read back from preparation.json or model.json', () => {
  it('accepts a fitted table preparation and an image one', () => {
    expect(parseModelPreparation(JSON.parse(JSON.stringify(FITTED)))).toEqual(FITTED);
    const images = {
      version: 1,
      kind: 'images',
      size: [32, 32],
      classes: ['cat', 'dog'],
      validationFraction: 0.2,
      seed: 1,
    };
    expect(parseModelPreparation(images)).toEqual(images);
  });

  it('refuses a wrong or edited file, naming the field', () => {
    expect(() => parseModelPreparation([])).toThrow('preparation.json: (the file) must be a JSON object');
    expect(() => parseModelPreparation({ ...FITTED, version: 2 })).toThrow(
      'preparation.json: version must be 1 (got 2)',
    );
    expect(() => parseModelPreparation({ ...FITTED, inputSize: 5 })).toThrow(
      'preparation.json: inputSize is 5 but the features encode 4 values',
    );
    expect(() => parseModelPreparation({ ...FITTED, features: [{ kind: 'bucket', column: 'mass' }] })).toThrow(
      'preparation.json: features[0].kind must be numeric, date, one-hot or index (got "bucket")',
    );
    expect(() => parseModelPreparation({ version: 1, kind: 'images', size: [32], classes: ['a', 'b'] })).toThrow(
      'preparation.json: size must be [height, width]',
    );
  });
});
