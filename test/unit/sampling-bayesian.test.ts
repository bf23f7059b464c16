import { describe, expect, it } from 'vitest';
import { ConfigError, NotImplementedError } from '../../src/errors.js';
import { BayesianParameterSampling, samplingFromSpec, type ParameterSampling } from '../../src/sampling/index.js';
import { choice, uniform } from '../../src/space/index.js';

const MESSAGE =
  "BayesianParameterSampling is not implemented yet; use RandomParameterSampling (optionally rule 'sobol') or GridParameterSampling";

describe('BayesianParameterSampling', () => {
  it('refuses construction loudly instead of falling back to another sampling', () => {
    expect(() => new BayesianParameterSampling({ lr: uniform(0, 1), bs: choice(16, 32) })).toThrow(NotImplementedError);
    expect(() => new BayesianParameterSampling({ lr: uniform(0, 1) }, { seed: 1 })).toThrow(MESSAGE);
  });

  it('types as a ParameterSampling', () => {
    const build: (definition: { lr: ReturnType<typeof uniform> }) => ParameterSampling = (definition) =>
      new BayesianParameterSampling(definition);
    expect(() => build({ lr: uniform(0, 1) })).toThrow(NotImplementedError);
  });

  it('is refused from a stored spec too', () => {
    expect(() => samplingFromSpec({ kind: 'bayesian', space: { lr: { kind: 'uniform', low: 0, high: 1 } }, options: {} })).toThrow(
      NotImplementedError,
    );
  });
});

describe('samplingFromSpec', () => {
  it('rejects an unknown kind', () => {
    expect(() => samplingFromSpec({ kind: 'hyperband' as never, space: {}, options: {} })).toThrow(ConfigError);
  });
});
