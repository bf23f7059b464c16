// The types of a policy registry row. Types only, so that an implementation file can declare
// its row's parts (its Optuna pruner) without importing the registry, which imports it.
import type { PrimaryMetricGoal } from '../metric/goal.js';
import type { Schema } from '../validate/schema.js';
import type { EarlyTerminationPolicy, PolicyEvidence, PolicyKind } from './policy.js';

/**
 * How a sweep file's value is read before the constructor sees it. The file reader checks
 * `integer`, `positive` and `boolean` itself so its message names the file's rule; `constructor`
 * leaves every rule (including those between fields, such as ASHA's rungs) to the constructor,
 * whose message is then moved to the file path.
 */
export type PolicyFieldRead =
  | { readonly kind: 'integer'; readonly min: number; readonly max?: number }
  | { readonly kind: 'positive' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'constructor' };

/** One option of a policy, in every spelling a shape needs. */
export interface PolicyField {
  /** The constructor's and the stored record's name (camelCase). */
  readonly option: string;
  /** The sweep file's, Azure's and the builder's name (snake_case). */
  readonly fileKey: string;
  readonly read: PolicyFieldRead;
  /** When set, the sweep file must give the field; the text says what it expects. */
  readonly required?: string;
  /** The builder's label for the input. */
  readonly label: string;
  /** What the builder fills in when the policy is picked (not the engine default, which is plainer). */
  readonly builderDefault?: string;
  /** Azure ML's schema has the field under the same name. */
  readonly azure: boolean;
  /** For a field Azure lacks: the value Azure acts as if it were given, so exporting it loses nothing. */
  readonly azureImplicit?: number | boolean;
  /**
   * Whether a sweep file has the field, beyond the default (a hand-written file may leave it
   * out, and the parsed file has it with its default written out; with `required` set, a file
   * must give it): `required`, a file must give it though the constructor says why;
   * `optional`, neither has it when it is left out (there is no default). The sweep-file types
   * `SweepFileEarlyTermination` and `SweepFileInput` are derived from this and `read`.
   */
  readonly presence?: 'required' | 'optional';
}

/**
 * What a row's Optuna writer is given: the sweep file's fields for its policy, and the script
 * writer's helpers.
 */
export interface OptunaPrunerWriter {
  /** Notes where Optuna's pruner differs from Overdrive's policy (the export's warnings). */
  warn(field: string, message: string): void;
  /** A number as a Python literal. */
  py(value: number): string;
  /**
   * The keyword arguments of Optuna's step schedule for an evaluation interval and delay,
   * with a warning where Optuna's steps differ from Overdrive's.
   */
  schedule(fields: { readonly evaluation_interval: number; readonly delay_evaluation: number }): string;
}

/** How an Optuna script prunes for a policy. */
export interface OptunaPruner {
  /** The pruner's Python name (BanditPruner ships in the script itself, see `preamble`). */
  readonly name: string;
  /** Python the script defines before `sample()` when the policy is used (a pruner Optuna lacks). */
  readonly preamble?: readonly string[];
  /**
   * The lines that pass the pruner to the study (`pruner=<name>(…),` with its comments). Method
   * syntax: each policy's writer takes its own file shape.
   */
  lines(
    fields: Readonly<Record<string, string | number | boolean | undefined>>,
    writer: OptunaPrunerWriter,
  ): readonly string[];
}

/** The file-format side of a policy: absent for no-termination, which the file says by leaving the policy out. */
export interface PolicyFileForm {
  /** `early_termination.type`. */
  readonly type: string;
  /** How "is not a known field of …" names the policy. */
  readonly noun: string;
}

/**
 * What the Studio's teaching layer says of a method (a policy here, a sampling method in
 * src/sampling/registry.ts): one home for the words, beside the row the method is built from.
 */
export interface MethodTeaching {
  /** One or two plain sentences: what the method does and when it acts. */
  readonly summary: string;
  /** Its rule as a formula, in plain text (Unicode symbols, no markup). */
  readonly rule: string;
  /** What each symbol of the rule stands for, in the rule's order. */
  readonly symbols: readonly (readonly [symbol: string, meaning: string])[];
}

/** A decision's moment, as the Studio opens it: the evidence stored with it and what it was about. */
export interface DecisionMoment {
  readonly evidence: PolicyEvidence;
  readonly interval: number;
  readonly stopped: boolean;
  readonly goal: PrimaryMetricGoal;
  /**
   * The other runs' primary-metric values (index 0 = interval 1), when the caller has them:
   * Median recomputes their running averages to show them, and only when their count is the
   * decision's (a run that reached the interval after the decision would otherwise slip in).
   */
  readonly otherCurves?: readonly (readonly number[])[];
}

/** The policy's rule worked through with one decision's numbers. */
export interface WorkedDecision {
  /** The rule with the numbers filled in, one step per line, the last one the verdict. */
  readonly applied: readonly string[];
  /** Each number of the moment, named as a person reads it. */
  readonly numbers: readonly (readonly [label: string, value: string])[];
}

/** A policy's teaching: its explanation, and its rule worked through for any decision it made. */
export interface PolicyTeaching extends MethodTeaching {
  /** Null for a policy whose decisions carry no evidence (no-termination). */
  readonly worked: ((moment: DecisionMoment) => WorkedDecision) | null;
}

/** One early-termination policy in every shape a sweep has (see registry.ts). */
export interface PolicyRow {
  /** The engine's, the stored record's and the decisions' name of the policy (declared in `PolicyKinds`). */
  readonly kind: PolicyKind;
  readonly file: PolicyFileForm | null;
  /** The builder's name for the policy; also used where a warning names it. */
  readonly label: string;
  /** In the order the sweep file writes them. */
  readonly fields: readonly PolicyField[];
  /** File keys of which exactly one must be given (Bandit's two slacks). */
  readonly exactlyOne?: readonly [string, string];
  /** Azure ML has this policy (under `file.type`); if not, an Azure export leaves it out with a warning. */
  readonly azure: boolean;
  /** The Optuna pruner an Optuna script uses for it (BanditPruner ships in the script itself). */
  readonly optunaPruner: string | null;
  /** What the Optuna script writes for it; null for no-termination, whose pruner is NopPruner. */
  readonly optuna: OptunaPruner | null;
  /** The schema of its decisions' evidence, as stored and exported; null when its decisions carry none. */
  readonly evidence: Schema<PolicyEvidence> | null;
  /** Validates its options, like every constructor. */
  readonly create: (options: Readonly<Record<string, unknown>>) => EarlyTerminationPolicy;
  /** The Studio's explanation of it (builder and opened decisions). */
  readonly teaching: PolicyTeaching;
}
