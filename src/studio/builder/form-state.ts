import {
  BUILTIN_EXAMPLES,
  EXPRESSION_KINDS,
  parseSweepFile,
  FILE_POLICY_ROWS,
  POLICY_REGISTRY,
  NO_FILE_POLICY_ROW,
  type PolicyRow,
  type RandomSamplingRule,
  type SamplingKind,
  SWEEP_FILE_PARAMETER_FIELDS,
  type SweepFileEarlyTermination,
  type SweepFileParameterType,
  type SweepFile,
} from '../engine.js';

/**
 * The sweep builder's form as data: every field as the text a person typed, so that a half-typed
 * number is kept as it is and the spec parser (the same one the CLI uses) names what is wrong
 * with it. `toSweepFileInput` turns it into a sweep spec; `fromRecord` fills it from one.
 */
export interface BuilderState {
  readonly experiment: string;
  readonly trial: TrialState;
  readonly parameters: readonly ParameterRow[];
  readonly sampling: {
    readonly type: SamplingKind;
    readonly seed: string;
    readonly rule: RandomSamplingRule;
  };
  readonly policy: PolicyState;
  readonly objective: { readonly metric: string; readonly goal: 'maximize' | 'minimize' };
  /** `trialTimeoutSeconds` empty: no per-trial time limit. */
  readonly limits: {
    readonly maxTotal: string;
    readonly maxConcurrent: string;
    readonly timeoutMinutes: string;
    readonly trialTimeoutSeconds: string;
    /**
     * The spec's exact `timeout` in seconds and the minutes text shown for it: while the text is
     * unchanged those seconds are written back, since minutes rounded for display (90.5 s is
     * "1.5083 min") would not give the same seconds again.
     */
    readonly timeoutShownFor?: { readonly text: string; readonly seconds: number };
  };
  readonly backend: 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';
  /**
   * Spec fields the form has no input for (Azure's metadata and job fields: `display_name`,
   * `tags`, `azure`, ...), carried through unchanged so that loading a spec and saving it again
   * loses nothing.
   */
  readonly kept?: Readonly<Record<string, unknown>>;
  /** The loaded spec named no backend: while the form says `auto`, none is written either. */
  readonly backendOmitted?: boolean;
}

/** Top-level spec fields the form has no input for; `fromRecord` keeps them in `kept`. */
export const KEPT_SPEC_FIELDS = [
  '$schema',
  'name',
  'display_name',
  'description',
  'tags',
  'properties',
  'compute',
  'azure',
  // Until the builder's Data step holds it in fields of its own (DATA-UI), the binding is kept whole.
  'data',
] as const;

export type TrialState =
  | { readonly kind: 'builtin'; readonly name: string }
  | {
      readonly kind: 'module';
      readonly url: string;
      readonly label: string;
      /** Named by a share link or an imported spec: runs only once `confirmed` (see module-trust.ts). */
      readonly fromLink?: boolean;
      readonly confirmed?: boolean;
    };

export type ParameterType = SweepFileParameterType | 'constant';

/** Every expression, then a constant (a sweep-file extension the builder offers last). */
export const PARAMETER_TYPES: readonly ParameterType[] = [...EXPRESSION_KINDS, 'constant'];

/** The inputs each parameter type shows, with labels; spec field names are the keys. */
export const PARAMETER_FIELDS: Readonly<Record<ParameterType, readonly string[]>> = {
  ...SWEEP_FILE_PARAMETER_FIELDS,
  constant: ['value'],
};

export interface ParameterRow {
  /** Stable across edits (for focus and error placement), not the parameter's name. */
  readonly key: string;
  readonly name: string;
  readonly type: ParameterType;
  /** Field name → text as typed (`values` is a comma-separated list). */
  readonly fields: Readonly<Record<string, string>>;
}

/** `none` is no-termination, which a sweep file says by leaving `early_termination` out. */
export type PolicyType = 'none' | SweepFileEarlyTermination['type'];

/** The registry row behind each choice of the policy menu, `none` first. */
export const POLICY_ROWS: Readonly<Record<PolicyType, PolicyRow>> = Object.fromEntries([
  ['none', NO_FILE_POLICY_ROW],
  ...FILE_POLICY_ROWS.map((row) => [row.file.type, row]),
]) as Record<PolicyType, PolicyRow>;

/** The inputs each policy shows, by their sweep-file names. */
export const POLICY_FIELDS: Readonly<Record<PolicyType, readonly string[]>> = Object.fromEntries(
  Object.entries(POLICY_ROWS).map(([type, row]) => [type, row.fields.map((f) => f.fileKey)]),
) as unknown as Record<PolicyType, readonly string[]>;

export interface PolicyState {
  readonly type: PolicyType;
  readonly fields: Readonly<Record<string, string>>;
}

/** Fields shown as a checkbox: their text is "true" or "false". */
export const BOOLEAN_POLICY_FIELDS: ReadonlySet<string> = new Set(
  POLICY_REGISTRY.flatMap((row) => row.fields.filter((f) => f.read.kind === 'boolean').map((f) => f.fileKey)),
);

/** What the builder fills in when a person picks the policy. */
export function defaultPolicyFields(type: PolicyType): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const f of POLICY_ROWS[type].fields) if (f.builderDefault !== undefined) fields[f.fileKey] = f.builderDefault;
  return fields;
}

/** The builder's label of each policy field, by its sweep-file name. */
export const POLICY_FIELD_LABELS: Readonly<Record<string, string>> = Object.fromEntries(
  POLICY_REGISTRY.flatMap((row) => row.fields.map((f): [string, string] => [f.fileKey, f.label])),
);

let rowKeys = 0;
export function newRowKey(): string {
  rowKeys += 1;
  return `p${rowKeys}`;
}

/**
 * A number where the text is one, the trimmed text otherwise (so the parser can say "must be a
 * number (got "1e")"), and nothing where the field was left empty (so it says "is required" or
 * takes the default).
 */
export function numberField(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed) ? n : trimmed;
}

/** One value of a choice list or a constant: numbers and true/false as such, quoted or other text as a string. */
export function literal(text: string): number | string | boolean {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^".*"$/s.test(t)) {
    // Double quotes are a JSON string (how the form writes any string that needs quoting), so
    // `"a\\b"` is one backslash; text that is not valid JSON keeps what is between the quotes.
    try {
      const parsed: unknown = JSON.parse(t);
      if (typeof parsed === 'string') return parsed;
    } catch {
      // falls through
    }
    return t.slice(1, -1);
  }
  if (/^'.*'$/s.test(t)) return t.slice(1, -1);
  const n = numberField(t);
  return typeof n === 'number' ? n : t;
}

/** A choice option as typed: a literal, or a nested sub-space written as a JSON object. */
export function option(text: string): unknown {
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      // Left as text: the spec parser then says what an option must be.
      return t;
    }
  }
  return literal(t);
}

/**
 * Splits a choice list on commas outside quotes and outside JSON objects or arrays. A quote
 * opens a quoted item only at the item's start (so `it's` is a plain word) and, inside an
 * object or array, wherever JSON has one; in double quotes a backslash escapes the next
 * character, as in JSON.
 */
export function splitList(text: string): string[] {
  const items: string[] = [];
  let current = '';
  let quote: string | null = null;
  let escaped = false;
  let depth = 0;
  for (const c of text) {
    if (quote !== null) {
      current += c;
      if (escaped) escaped = false;
      else if (c === '\\' && quote === '"') escaped = true;
      else if (c === quote) quote = null;
    } else if (
      (c === '"' && (depth > 0 || current.trim() === '')) ||
      (c === "'" && depth === 0 && current.trim() === '')
    ) {
      quote = c;
      current += c;
    } else if (c === '{' || c === '[') {
      depth += 1;
      current += c;
    } else if (c === '}' || c === ']') {
      depth = Math.max(0, depth - 1);
      current += c;
    } else if (c === ',' && depth === 0) {
      items.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (current.trim() !== '' || items.length > 0) items.push(current);
  // An empty list stays empty (the parser says a choice needs options); empty items are errors it reports.
  return items.map((item) => item.trim());
}

/** A number as text that reads back as the same number (`-0` included). */
function numberText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/**
 * A constant or choice value as the form shows it: plain when that text reads back as the same
 * value (`adam`, `0.5`, `it's`), else as a JSON string (`"42"`, `"a, b"`, `"{\"units\":64}"`,
 * `" padded"`), which `literal` reads back exactly. `inList`: the text sits in a choice list,
 * where commas and a leading brace mean more.
 */
export function formatLiteral(value: string | number | boolean, inList = false): string {
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return String(value);
  if (value === '') return '""';
  const items = inList ? splitList(value) : [value];
  const readsBack = items.length === 1 && items[0] === value && (inList ? option(value) : literal(value)) === value;
  return readsBack ? value : JSON.stringify(value);
}

/**
 * A random or Bayesian seed as the form shows it: an integer plainly, a string plainly unless it
 * would read back as a number or differently (then quoted, as `"42"`).
 */
export function seedText(seed: number | string | undefined): string {
  if (seed === undefined) return '';
  if (typeof seed === 'number') return numberText(seed);
  return seedValue(seed) === seed ? seed : JSON.stringify(seed);
}

/** The seed field as typed: empty is no seed; `"…"` is a string; a number's text a number. */
export function seedValue(text: string): number | string | undefined {
  if (text.trim() === '') return undefined;
  if (/^\s*".*"\s*$/s.test(text)) {
    const value = literal(text);
    return typeof value === 'boolean' ? text : value;
  }
  return numberField(text) ?? text;
}

// Rows are immutable and replaced on edit, so a row's spec is computed once: a keystroke
// elsewhere in a 50,000-value form then does not re-split every choice list.
const specOfRow = new WeakMap<ParameterRow, unknown>();

/** The row as a spec parameter (or constant), for `search_space`; callers must not mutate it. */
export function parameterSpec(row: ParameterRow): unknown {
  if (specOfRow.has(row)) return specOfRow.get(row);
  const spec = computeParameterSpec(row);
  specOfRow.set(row, spec);
  return spec;
}

function computeParameterSpec(row: ParameterRow): unknown {
  if (row.type === 'constant') return literal(row.fields['value'] ?? '');
  if (row.type === 'choice') return { type: 'choice', values: splitList(row.fields['values'] ?? '').map(option) };
  const spec: Record<string, unknown> = { type: row.type };
  for (const field of PARAMETER_FIELDS[row.type]) {
    const value = numberField(row.fields[field]);
    if (value !== undefined) spec[field] = value;
  }
  return spec;
}

/** The whole form as a sweep spec input, ready for `parseSweepFile`. */
export function toSweepFileInput(state: BuilderState): Record<string, unknown> {
  const searchSpace: Record<string, unknown> = {};
  for (const row of state.parameters) searchSpace[row.name] = parameterSpec(row);
  const seed = seedValue(state.sampling.seed);
  const seeded = seed === undefined ? {} : { seed };
  const sampling =
    state.sampling.type === 'random'
      ? { type: 'random', rule: state.sampling.rule, ...seeded }
      : state.sampling.type === 'bayesian'
        ? { type: 'bayesian', ...seeded }
        : { type: state.sampling.type };
  const policy = policySpec(state.policy);
  const limits: Record<string, unknown> = {};
  const total = numberField(state.limits.maxTotal);
  const concurrent = numberField(state.limits.maxConcurrent);
  const minutes = numberField(state.limits.timeoutMinutes);
  const trialSeconds = numberField(state.limits.trialTimeoutSeconds);
  if (total !== undefined) limits['max_total_trials'] = total;
  if (concurrent !== undefined) limits['max_concurrent_trials'] = concurrent;
  const shown = state.limits.timeoutShownFor;
  if (shown !== undefined && shown.text === state.limits.timeoutMinutes) limits['timeout'] = shown.seconds;
  // Milliseconds at most: 0.1 min is 6 s, not 6.000000000000001.
  else if (minutes !== undefined)
    limits['timeout'] = typeof minutes === 'number' ? Math.round(minutes * 60_000) / 1000 : minutes;
  if (trialSeconds !== undefined) limits['trial_timeout'] = trialSeconds;
  return {
    ...state.kept,
    type: 'sweep',
    experiment_name: state.experiment,
    trial: state.trial.kind === 'builtin' ? state.trial.name : { module: state.trial.url },
    search_space: searchSpace,
    sampling_algorithm: sampling,
    objective: { primary_metric: state.objective.metric, goal: state.objective.goal },
    ...(policy === undefined ? {} : { early_termination: policy }),
    limits,
    ...(state.backendOmitted === true && state.backend === 'auto' ? {} : { backend: state.backend }),
  };
}

function policySpec(policy: PolicyState): Record<string, unknown> | undefined {
  if (policy.type === 'none') return undefined;
  const spec: Record<string, unknown> = { type: policy.type };
  for (const field of POLICY_FIELDS[policy.type]) {
    const text = policy.fields[field];
    if (BOOLEAN_POLICY_FIELDS.has(field)) {
      if (text === 'true') spec[field] = true;
      continue;
    }
    const value = numberField(text);
    if (value !== undefined) spec[field] = value;
  }
  return spec;
}

/** Fills the form from a normalised spec (a pasted, uploaded or shared one). */
export function fromRecord(spec: SweepFile): BuilderState {
  const parameters = Object.entries(spec.search_space).map(([name, value]): ParameterRow => {
    if (typeof value !== 'object')
      return { key: newRowKey(), name, type: 'constant', fields: { value: formatLiteral(value) } };
    if (value.type === 'choice') {
      // A nested sub-space has no form of its own: it stays editable as JSON.
      return {
        key: newRowKey(),
        name,
        type: 'choice',
        fields: {
          values: value.values
            .map((v) => (typeof v === 'object' ? JSON.stringify(v) : formatLiteral(v, true)))
            .join(', '),
        },
      };
    }
    const fields: Record<string, string> = {};
    for (const field of PARAMETER_FIELDS[value.type]) {
      const v = (value as unknown as Record<string, unknown>)[field];
      fields[field] = typeof v === 'number' ? numberText(v) : String(v ?? '');
    }
    return { key: newRowKey(), name, type: value.type, fields };
  });
  const sampling = spec.sampling_algorithm;
  const policy = spec.early_termination;
  const timeoutMinutes = String(Number((spec.limits.timeout / 60).toFixed(4)));
  const kept: Record<string, unknown> = {};
  for (const key of KEPT_SPEC_FIELDS) if (spec[key] !== undefined) kept[key] = spec[key];
  const policyFields: Record<string, string> = {};
  if (policy !== undefined) {
    for (const [k, v] of Object.entries(policy)) if (k !== 'type' && v !== undefined) policyFields[k] = String(v);
  }
  return {
    experiment: spec.experiment_name,
    trial:
      'builtin' in spec.trial
        ? { kind: 'builtin', name: spec.trial.builtin }
        : { kind: 'module', url: spec.trial.module, label: spec.trial.module },
    parameters,
    sampling: {
      type: sampling.type,
      seed: sampling.type === 'random' || sampling.type === 'bayesian' ? seedText(sampling.seed) : '',
      rule: sampling.type === 'random' ? sampling.rule : 'random',
    },
    policy: { type: policy?.type ?? 'none', fields: policyFields },
    objective: { metric: spec.objective.primary_metric, goal: spec.objective.goal },
    limits: {
      maxTotal: String(spec.limits.max_total_trials),
      maxConcurrent: String(spec.limits.max_concurrent_trials),
      timeoutMinutes,
      trialTimeoutSeconds: spec.limits.trial_timeout === undefined ? '' : String(spec.limits.trial_timeout),
      timeoutShownFor: { text: timeoutMinutes, seconds: spec.limits.timeout },
    },
    backend: spec.backend ?? 'auto',
    kept,
    ...(spec.backend === undefined ? { backendOmitted: true } : {}),
  };
}

/** Whether a choice row holds a nested sub-space (edited as JSON text inside the list). */
export function hasNestedOptions(row: ParameterRow): boolean {
  return row.type === 'choice' && /\{/.test(row.fields['values'] ?? '');
}

/** A spec that came from a link or an imported file: its module URL is somebody else's code. */
export function fromLinkedRecord(spec: Parameters<typeof fromRecord>[0]): BuilderState {
  const state = fromRecord(spec);
  return state.trial.kind === 'module'
    ? { ...state, trial: { ...state.trial, fromLink: true, confirmed: false } }
    : state;
}

/**
 * Where the form would change a spec: the paths at which spec → form → spec differs (none for
 * every spec the generator of the round-trip test makes). A field the form cannot hold is then
 * named to the person loading the spec instead of changing silently.
 */
export function formChanges(spec: SweepFile): string[] {
  let again: SweepFile;
  try {
    again = parseSweepFile(toSweepFileInput(fromRecord(spec)), { builtinTrials: BUILTIN_EXAMPLES }).spec;
  } catch (error) {
    return [`the whole spec (the form cannot hold it: ${error instanceof Error ? error.message : String(error)})`];
  }
  const paths: string[] = [];
  differences('', spec, again, paths);
  return paths;
}

function differences(path: string, a: unknown, b: unknown, out: string[]): void {
  if (out.length >= 10 || Object.is(a, b)) return;
  if (
    typeof a === 'object' &&
    a !== null &&
    typeof b === 'object' &&
    b !== null &&
    Array.isArray(a) === Array.isArray(b)
  ) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const child = Array.isArray(a) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      differences(child, (a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], out);
    }
    return;
  }
  out.push(path === '' ? 'the whole spec' : path);
}

/** What `formChanges` found, in words for the builder ('' when nothing). */
export function formChangesText(spec: SweepFile): string {
  const changes = formChanges(spec);
  return changes.length === 0
    ? ''
    : `The form cannot hold these values exactly, so starting or saving from it would change them: ${changes.join(', ')}. Edit the spec text instead to keep them.`;
}
