import { ConfigError } from '../errors.js';
import { AshaPolicy } from './asha.js';
import type { AshaPolicyOptions } from './asha.js';
import { BanditPolicy } from './bandit.js';
import type { BanditPolicyOptions } from './bandit.js';
import { HyperbandPolicy } from './hyperband.js';
import type { HyperbandPolicyOptions } from './hyperband.js';
import { MedianStoppingPolicy } from './median-stopping.js';
import { NoTerminationPolicy } from './no-termination.js';
import type { NoTerminationPolicyOptions } from './no-termination.js';
import type { EarlyTerminationPolicy, PolicyKind } from './policy.js';
import { TruncationSelectionPolicy } from './truncation-selection.js';
import type { TruncationSelectionPolicyOptions } from './truncation-selection.js';

export const POLICY_KINDS: readonly PolicyKind[] = [
  'bandit',
  'median-stopping',
  'truncation-selection',
  'asha',
  'hyperband',
  'no-termination',
];

function isPolicyKind(value: unknown): value is PolicyKind {
  return typeof value === 'string' && (POLICY_KINDS as readonly string[]).includes(value);
}

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
  // The casts only satisfy the compiler: each constructor validates its options at runtime.
  switch (kind) {
    case 'bandit':
      return new BanditPolicy(options as BanditPolicyOptions);
    case 'median-stopping':
      return new MedianStoppingPolicy(options);
    case 'truncation-selection':
      return new TruncationSelectionPolicy(options as TruncationSelectionPolicyOptions);
    case 'asha':
      return new AshaPolicy(options as AshaPolicyOptions);
    case 'hyperband':
      return new HyperbandPolicy(options as HyperbandPolicyOptions);
    case 'no-termination':
      return new NoTerminationPolicy(options as NoTerminationPolicyOptions);
  }
}
