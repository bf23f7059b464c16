import { choice, isRangeSpec, range } from './constructors.js';
import { EXPRESSION_ARGUMENTS } from './describe.js';
import { EXPRESSION, isExpression, type ChoiceOption, type Expression } from './expression.js';

/**
 * A search space definition as plain JSON data (for storing a sweep): expressions become
 * `{ kind, ...arguments }`, ranges `{ kind: 'range', start, stop, step }`. Names keep their
 * dashes: this is the definition as the user gave it.
 */
export function definitionToJson(definition: unknown): unknown {
  if (Array.isArray(definition)) return definition.map(definitionToJson);
  if (typeof definition !== 'object' || definition === null) return definition;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(definition)) copy[key] = definitionToJson(value);
  return copy;
}

/**
 * The inverse of `definitionToJson`: rebuilds branded expressions from stored data so that a
 * stored sweep can be validated and sampled again. An object is revived as an expression only
 * when its `kind` names one and its other keys are exactly that expression's arguments; anything
 * else is left as it is for `createSearchSpace` to accept or reject with its usual message.
 */
export function reviveDefinition(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || isExpression(data)) return data;
  const revived: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) revived[name] = reviveValue(value);
  return revived;
}

function reviveValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isExpression(value)) return value;
  const fields = value as Record<string, unknown>;
  const kind = fields['kind'];
  if (kind === 'choice' && sameKeys(fields, ['kind', 'options'])) {
    const options = fields['options'];
    if (isRangeSpec(options)) return choice(range(options.start, options.stop, options.step));
    if (Array.isArray(options))
      return choice(options.map((option: unknown) => reviveDefinition(option)) as ChoiceOption[]);
    return value;
  }
  if (typeof kind !== 'string' || !Object.hasOwn(EXPRESSION_ARGUMENTS, kind)) return value;
  const names = EXPRESSION_ARGUMENTS[kind as keyof typeof EXPRESSION_ARGUMENTS];
  if (!sameKeys(fields, ['kind', ...names])) return value;
  const expression: Record<string | symbol, unknown> = { kind };
  for (const name of names) expression[name] = fields[name];
  Object.defineProperty(expression, EXPRESSION, { value: true, enumerable: false });
  return Object.freeze(expression) as unknown as Expression;
}

function sameKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => Object.hasOwn(value, key));
}
