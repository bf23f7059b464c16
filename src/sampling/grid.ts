import { ConfigError } from '../errors.js';
import { createSearchSpace } from '../space/create-search-space.js';
import { describeExpression } from '../space/describe.js';
import type { ParamSet, ParamValue, Primitive, SearchSpaceDefinition } from '../space/expression.js';
import type { SearchSpace } from '../space/search-space.js';
import { paramsKey } from '../space/flatten.js';
import { definitionToJson } from '../space/serialize.js';
import type { ParameterSampling, Sampler, SamplingRecord } from './sampler.js';

declare module './sampler.js' {
  interface SamplingKinds {
    /** Every combination of a discrete space. */
    readonly grid: true;
  }
}

/*
 * The grid is never materialised: configuration i is decoded from i in a mixed radix whose
 * digits are the parameters (the first the most significant, so it varies slowest). Counts
 * are bigints because a grid of a dozen 100-way choices already exceeds 2^53.
 */

interface GridSpace {
  readonly parameters: readonly GridParameter[];
  readonly count: bigint;
}
type GridParameter =
  | { readonly name: string; readonly kind: 'constant'; readonly value: Primitive; readonly count: 1n }
  | { readonly name: string; readonly kind: 'choice'; readonly options: readonly GridOption[]; readonly count: bigint };
type GridOption =
  | { readonly kind: 'value'; readonly value: Primitive; readonly count: 1n }
  | { readonly kind: 'space'; readonly space: GridSpace; readonly count: bigint };

/**
 * Grid sampling (semantics §3): every combination of the choice values, in a stable order with the
 * first parameter varying slowest. Only `choice` expressions and constants are allowed; a
 * nested choice's sub-spaces are expanded, each option contributing its own combinations.
 */
export class GridParameterSampling implements ParameterSampling {
  readonly kind = 'grid' as const;
  readonly space: SearchSpace;
  /** The number of configurations (inexact above 2^53; see `exactSize`). */
  readonly size: number;
  readonly exactSize: bigint;
  private readonly grid: GridSpace;
  private readonly definitionJson: unknown;

  /** `options` exists for symmetry with the other samplings; the grid has none, so any key is an error. */
  constructor(definition: SearchSpaceDefinition, options: Readonly<Record<string, never>> = {}) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new ConfigError(
        'GridParameterSampling.options',
        'must be an object (GridParameterSampling takes no options)',
        options,
      );
    }
    for (const key of Object.keys(options)) {
      throw new ConfigError(
        `GridParameterSampling.${key}`,
        'is not an option (GridParameterSampling takes none)',
        options[key],
      );
    }
    this.space = createSearchSpace(definition);
    this.grid = toGrid(this.space);
    this.exactSize = this.grid.count;
    this.size = Number(this.exactSize);
    this.definitionJson = definitionToJson(definition);
  }

  /** Configuration `index` (0-based) of the enumeration, or null past the end. */
  configurationAt(index: number | bigint): ParamSet | null {
    const i = BigInt(index);
    if (i < 0n || i >= this.grid.count) return null;
    return decodeSpace(this.grid, i);
  }

  /**
   * Configurations in order, then `null`, skipping those a warm-start parent already completed
   * (semantics §8 Beyond). Only the priors are read, never this sweep's runs: the sweep replays a
   * sampler by calling it again after an interruption, so its answers must not depend on them.
   */
  createSampler(): Sampler {
    let position = 0n;
    let done: Set<string> | null = null;
    return {
      next: (context) => {
        done ??= new Set((context.priors ?? []).filter((p) => p.state === 'completed').map((p) => paramsKey(p.params)));
        for (;;) {
          const configuration = this.configurationAt(position);
          if (configuration === null) return null;
          position += 1n;
          if (!done.has(paramsKey(configuration))) return configuration;
        }
      },
    };
  }

  toRecord(): SamplingRecord {
    return { kind: 'grid', space: this.definitionJson, options: {} };
  }
}

function toGrid(space: SearchSpace): GridSpace {
  const parameters = space.parameters.map((parameter): GridParameter => {
    const { value } = parameter;
    if (value.kind === 'constant') return { name: parameter.name, kind: 'constant', value: value.value, count: 1n };
    const { expression } = value;
    if (expression.kind !== 'choice') {
      const rule = 'GridParameterSampling accepts only choice expressions';
      throw new ConfigError(
        parameter.path,
        rule,
        expression,
        `${rule}: ${JSON.stringify(parameter.path)} is ${describeExpression(expression)}`,
      );
    }
    const options = expression.options.map((option): GridOption => {
      if (option.kind === 'value') return { kind: 'value', value: option.value, count: 1n };
      const sub = toGrid(option.space);
      return { kind: 'space', space: sub, count: sub.count };
    });
    const count = options.reduce((sum, option) => sum + option.count, 0n);
    return { name: parameter.name, kind: 'choice', options, count };
  });
  const count = parameters.reduce((product, parameter) => product * parameter.count, 1n);
  return { parameters, count };
}

function decodeSpace(space: GridSpace, index: bigint): ParamSet {
  const digits = new Array<bigint>(space.parameters.length);
  let rest = index;
  for (let i = space.parameters.length - 1; i >= 0; i -= 1) {
    const { count } = space.parameters[i] as GridParameter;
    digits[i] = rest % count;
    rest /= count;
  }
  const params: Record<string, ParamValue> = {};
  space.parameters.forEach((parameter, i) => {
    params[parameter.name] =
      parameter.kind === 'constant' ? parameter.value : decodeChoice(parameter.options, digits[i] as bigint);
  });
  return Object.freeze(params);
}

function decodeChoice(options: readonly GridOption[], digit: bigint): ParamValue {
  let rest = digit;
  for (const option of options) {
    if (rest < option.count) return option.kind === 'value' ? option.value : decodeSpace(option.space, rest);
    rest -= option.count;
  }
  throw new Error('GridParameterSampling: an index beyond the grid passed the bounds check');
}
