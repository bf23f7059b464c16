import { ConfigError } from '../errors.js';
import type { EarlyTerminationPolicy } from './policy.js';
import { isPolicyKind, POLICY_KINDS, policyRow } from './registry.js';

/**
 * Rebuilds a policy from what `toRecord()` produced (e.g. after a JSON round trip). Option
 * values are not checked here: the constructors own those rules, so a stored spec and a
 * hand-built policy are refused with the same messages.
 *
 * Decision: `options` may be omitted (read as `{}`), so `{ "kind": "median-stopping" }` is a
 * valid hand-written spec; any key other than `kind` and `options` is refused.
 */
export function policyFromRecord(spec: unknown): EarlyTerminationPolicy {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new ConfigError('policy', 'must be an object with kind and options', spec);
  }
  const record = spec as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(record)) {
    if (key !== 'kind' && key !== 'options') {
      throw new ConfigError(`policy.${key}`, 'is not a known field; known: kind, options', record[key]);
    }
  }
  const kind = record['kind'];
  if (!isPolicyKind(kind)) {
    throw new ConfigError('policy.kind', `must be one of ${POLICY_KINDS.join(', ')}`, kind);
  }
  const options = record['options'] ?? {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError('policy.options', 'must be an object', options);
  }
  return policyRow(kind).create(options as Readonly<Record<string, unknown>>);
}
