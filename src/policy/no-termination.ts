import type { EarlyTerminationPolicy, EvaluationPoints, PolicyDecision, PolicyInput, PolicyRecord } from './policy.js';
import { assertValidInput, readOptionsObject } from './schedule.js';

declare module './policy.js' {
  interface PolicyKinds {
    /** Its decisions carry no evidence: it never judges. */
    readonly 'no-termination': never;
  }
}

/** Takes no options; an empty object is accepted so specs can always carry `options`. */
export type NoTerminationPolicyOptions = Readonly<Record<string, never>>;

/** semantics §5: the default when no policy is given; every run trains to the end. */
export class NoTerminationPolicy implements EarlyTerminationPolicy {
  readonly kind = 'no-termination';
  // Fixed at the defaults: there is nothing to schedule, but the interface asks for them.
  readonly evaluationInterval = 1;
  readonly delayEvaluation = 0;

  constructor(options: NoTerminationPolicyOptions = {}) {
    readOptionsObject('NoTerminationPolicy', options, []);
  }

  evaluationPoints(): EvaluationPoints {
    return null;
  }

  decide(input: PolicyInput): PolicyDecision {
    assertValidInput(input);
    return {
      kind: 'skip',
      policy: this.kind,
      interval: input.interval,
      why: 'no-policy',
      explanation: `not evaluated at interval ${input.interval}: no early termination policy, the run trains to the end`,
    };
  }

  toRecord(): PolicyRecord {
    return { kind: this.kind, options: {} };
  }
}
