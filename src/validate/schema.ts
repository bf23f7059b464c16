import { childPath, itemPath } from './paths.js';

/*
 * Record shapes declared once, as values: the store's TypeScript types are inferred from them
 * (`type X = Infer<typeof x>`), and a boundary reads a record by handing a schema its leaf
 * readers. What a "name" or a "message" may be (its length, its characters) is the boundary's
 * decision, not the record's, so leaves are named by meaning and the boundary supplies them.
 */

export type Read<T> = (path: string, value: unknown) => T;

/** Counts whose ceiling is the boundary's to set (how many runs a document may hold, ...). */
export type Limit = 'runs' | 'warnings' | 'depth' | 'spaceNodes';
/** An upper bound: a number the record owns, a boundary's limit, or one below such a limit. */
export type Bound = number | Limit | { readonly below: Limit };

/** The readers a boundary supplies for a schema's leaves and objects. */
export interface LeafReaders {
  /** An id or a name: one short line. */
  readonly name: Read<string>;
  /** A message for people: may run over several lines. */
  readonly message: Read<string>;
  /** A stack trace: longer than a message. */
  readonly stack: Read<string>;
  /** Milliseconds since the epoch. */
  readonly time: Read<number>;
  /** An integer >= 0. */
  readonly count: Read<number>;
  readonly boolean: Read<boolean>;
  /** A finite number > 0 (minutes, seconds). */
  readonly positive: Read<number>;
  /** An ISO 8601 UTC time, kept as text. */
  readonly isoTime: Read<string>;
  /** A URL kept as text (never loaded by reading it). */
  readonly url: Read<string>;
  /** The names of the metrics a run logged. */
  readonly metricNames: Read<readonly string[]>;
  /** Any number, NaN and ±Infinity included (a policy's figures for a run that logged only NaN). */
  readonly number: Read<number>;
  /** Milliseconds as measured: any finite number. */
  readonly duration: Read<number>;
  /** One line of text for people (a GPU adapter's name). */
  readonly line: Read<string>;
  /** A trial by key: `builtin:NAME` or `module:URL`. */
  readonly trialKey: Read<string>;
  /** A finite number; `rule` says what it must be when it is not. */
  finite(path: string, value: unknown, rule: string): number;
  /** An integer in min..max. */
  integer(path: string, value: unknown, min: number, max: number): number;
  /** An array of at most `maxLength` entries, to read entry by entry. */
  array(path: string, value: unknown, what: string, maxLength: number): readonly unknown[];
  /** Free-form JSON (a search space, sampling options), copied within a budget of values. */
  json(path: string, value: unknown, budget: { nodes: number }): unknown;
  readonly limits: Readonly<Record<Limit, number>>;
  /** The boundary's error for a rule a schema checks itself (a refinement). */
  fail(path: string, rule: string, value: unknown): Error;
  oneOf<T extends string>(path: string, value: unknown, allowed: readonly T[]): T;
  /** An object with exactly these keys (those in `optional` may be absent). */
  fields(
    path: string,
    value: unknown,
    what: string,
    required: readonly string[],
    optional: readonly string[],
  ): Readonly<Record<string, unknown>>;
  /** An object of any keys (a map), to read key by key. */
  object(path: string, value: unknown, what: string): Readonly<Record<string, unknown>>;
}

export interface Schema<T> {
  readonly read: (leaves: LeafReaders, path: string, value: unknown) => T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = Readonly<Record<string, Schema<unknown>>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ObjectOf<R extends Shape, O extends Shape> = Simplify<
  { readonly [K in keyof R]: Infer<R[K]> } & { readonly [K in keyof O]?: Infer<O[K]> }
>;

const leaf = <T>(pick: (leaves: LeafReaders) => Read<T>): Schema<T> => ({
  read: (leaves, path, value) => pick(leaves)(path, value),
});

export const name: Schema<string> = leaf((l) => l.name);
export const message: Schema<string> = leaf((l) => l.message);
export const stack: Schema<string> = leaf((l) => l.stack);
export const time: Schema<number> = leaf((l) => l.time);
export const count: Schema<number> = leaf((l) => l.count);
export const boolean: Schema<boolean> = leaf((l) => l.boolean);
export const positive: Schema<number> = leaf((l) => l.positive);
export const isoTime: Schema<string> = leaf((l) => l.isoTime);
export const url: Schema<string> = leaf((l) => l.url);
export const metricNames: Schema<readonly string[]> = leaf((l) => l.metricNames);
export const number: Schema<number> = leaf((l) => l.number);
export const duration: Schema<number> = leaf((l) => l.duration);
export const line: Schema<string> = leaf((l) => l.line);
export const trialKey: Schema<string> = leaf((l) => l.trialKey);

export function finite(rule = 'must be a finite number'): Schema<number> {
  return { read: (leaves, path, value) => leaves.finite(path, value, rule) };
}

function bound(leaves: LeafReaders, max: Bound): number {
  if (typeof max === 'number') return max;
  return typeof max === 'string' ? leaves.limits[max] : leaves.limits[max.below] - 1;
}

export function integer(min: number, max: Bound = Number.MAX_SAFE_INTEGER): Schema<number> {
  return { read: (leaves, path, value) => leaves.integer(path, value, min, bound(leaves, max)) };
}

export function arrayOf<T>(what: string, entry: Schema<T>, maxLength: Bound): Schema<readonly T[]> {
  return {
    read: (leaves, path, value) =>
      leaves.array(path, value, what, bound(leaves, maxLength)).map((v, i) => entry.read(leaves, itemPath(path, i), v)),
  };
}

/**
 * A schema read as a wider type: `widen<Stored>(documented)` compiles only when every value the
 * narrower schema reads is a `Stored` (a document holds fewer kinds than the store).
 */
export function widen<T>(schema: Schema<T>): Schema<T> {
  return schema;
}

export function oneOf<T extends string>(allowed: readonly T[]): Schema<T> {
  return { read: (leaves, path, value) => leaves.oneOf(path, value, allowed) };
}

export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  return { read: (leaves, path, value) => (value === null ? null : schema.read(leaves, path, value)) };
}

/**
 * An object with exactly the `required` fields and any of the `optional` ones, rebuilt in the
 * order declared; an absent optional field stays absent (not `undefined`).
 */
export function object<R extends Shape, O extends Shape = Record<never, never>>(
  what: string,
  required: R,
  optional?: O,
): Schema<ObjectOf<R, O>> {
  const requiredKeys = Object.keys(required);
  const optionalKeys = optional === undefined ? [] : Object.keys(optional);
  return {
    read: (leaves, path, value) => {
      const given = leaves.fields(path, value, what, requiredKeys, optionalKeys);
      const result: Record<string, unknown> = {};
      for (const key of requiredKeys) {
        result[key] = required[key]?.read(leaves, childPath(path, key), given[key]);
      }
      for (const key of optionalKeys) {
        if (given[key] !== undefined) result[key] = optional?.[key]?.read(leaves, childPath(path, key), given[key]);
      }
      return result as ObjectOf<R, O>;
    },
  };
}

type Cases = Readonly<Record<string, Shape>>;
type UnionOf<C extends Cases> = {
  [K in keyof C & string]: Simplify<{ readonly kind: K } & { readonly [F in keyof C[K]]: Infer<C[K][F]> }>;
}[keyof C & string];

/**
 * One of several shapes told apart by `kind`, each case listing its other fields. The kind is
 * read first, so a failure names the fields of the case it claims to be (`what(kind)`).
 */
export function union<C extends Cases>(what: string, whatCase: (kind: string) => string, cases: C): Schema<UnionOf<C>> {
  const kinds = Object.keys(cases);
  return {
    read: (leaves, path, value) => {
      const kind = leaves.oneOf(childPath(path, 'kind'), leaves.object(path, value, what)['kind'], kinds);
      const shape = object(whatCase(kind), { kind: oneOf([kind]), ...cases[kind] });
      return shape.read(leaves, path, value) as UnionOf<C>;
    },
  };
}

/**
 * One of several schemas, chosen by the `tag` field: the tag is read first (one of the keys of
 * `variants`), then the whole value through the schema it selects.
 */
export function variants<V extends Readonly<Record<string, Schema<unknown>>>>(
  tag: string,
  what: string,
  cases: V,
): Schema<Infer<V[keyof V]>> {
  const tags = Object.keys(cases);
  return {
    read: (leaves, path, value) => {
      const chosen = leaves.oneOf(childPath(path, tag), leaves.object(path, value, what)[tag], tags);
      return cases[chosen]?.read(leaves, path, value) as Infer<V[keyof V]>;
    },
  };
}

/** A map from names to values; keys are defined as own data, so `__proto__` stays a key. */
export function mapOf<T>(what: string, schema: Schema<T>): Schema<Readonly<Record<string, T>>> {
  return {
    read: (leaves, path, value) => {
      const given = leaves.object(path, value, what);
      const result: Record<string, T> = {};
      for (const key of Object.keys(given)) {
        const keyPath = childPath(path, key);
        leaves.name(keyPath, key);
        Object.defineProperty(result, key, {
          value: schema.read(leaves, keyPath, given[key]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return result;
    },
  };
}

/** True only when A and B are the same type: `const _: Same<A, B> = true` fails to compile otherwise. */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
