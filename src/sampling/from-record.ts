import { ConfigError } from '../errors.js';
import type { SearchSpaceDefinition } from '../space/expression.js';
import { reviveDefinition } from '../space/serialize.js';
import { isSamplingKind, SAMPLING_KINDS, samplingRow } from './registry.js';
import type { ParameterSampling, SamplingRecord } from './sampler.js';

/**
 * Rebuilds a sampling from its stored `toRecord()` (to resume or clone a sweep). The stored data
 * goes through the same validation as a new sampling, so a corrupted spec fails with the usual
 * messages instead of sampling something else.
 */
export function samplingFromRecord(spec: SamplingRecord): ParameterSampling {
  // Validated by the constructors; the casts only restate what they check at run time.
  const definition = reviveDefinition(spec.space) as SearchSpaceDefinition;
  if (!isSamplingKind(spec.kind)) {
    const quoted = SAMPLING_KINDS.map((kind) => `'${kind}'`);
    throw new ConfigError(
      'hyperparameterSampling.kind',
      `must be ${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`,
      (spec as { kind: unknown }).kind,
    );
  }
  return samplingRow(spec.kind).create(definition, spec.options);
}
