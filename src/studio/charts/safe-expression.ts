/**
 * A stand-in for the one place our chart stack evaluates strings as code: claygl's compositor
 * (used by echarts-gl) turns sizes such as `expr([width * dpr / 4, height * dpr / 4])` into
 * functions with `new Function`, which the app's Content-Security-Policy forbids. This parses
 * the same small language (numbers, width, height, dpr, + - * /, parentheses, one array level)
 * into a closure, and refuses anything else. The build swaps it in (see vite.config.ts).
 */
export type SizeExpression = (width: number, height: number, dpr: number) => number | number[];

type Token =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'name'; readonly value: 'width' | 'height' | 'dpr' }
  | { readonly kind: 'op'; readonly value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d*)?|\.\d+)|(width|height|dpr)|([-+*/(),[\]]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (m === null) throw new Error(`Invalid expression: unexpected ${JSON.stringify(text.slice(at, at + 10))}`);
    at = pattern.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'number', value: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ kind: 'name', value: m[2] as 'width' | 'height' | 'dpr' });
    else tokens.push({ kind: 'op', value: m[3] as string });
  }
  return tokens;
}

type Node = (env: { readonly width: number; readonly height: number; readonly dpr: number }) => number;

export function compileSizeExpression(source: string): SizeExpression {
  const tokens = tokenize(source);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const take = (op: string): boolean => {
    const t = tokens[i];
    if (t?.kind === 'op' && t.value === op) {
      i += 1;
      return true;
    }
    return false;
  };
  const atom = (): Node => {
    const t = tokens[i++];
    if (t === undefined) throw new Error('Invalid expression: it ends too early');
    if (t.kind === 'number') return () => t.value;
    if (t.kind === 'name') return (env) => env[t.value];
    if (t.value === '(') {
      const inner = sum();
      if (!take(')')) throw new Error('Invalid expression: a ( is not closed');
      return inner;
    }
    if (t.value === '-') {
      const operand = atom();
      return (env) => -operand(env);
    }
    throw new Error(`Invalid expression: unexpected ${t.value}`);
  };
  // Both precedence levels parse the same way: operands of the level below, joined left to right
  // by this level's operators.
  const level = (operand: () => Node, operators: ReadonlyMap<string, (a: number, b: number) => number>) => (): Node => {
    let left = operand();
    for (;;) {
      const t = peek();
      const apply = t?.kind === 'op' ? operators.get(t.value) : undefined;
      if (apply === undefined) return left;
      i += 1;
      const a = left;
      const b = operand();
      left = (env) => apply(a(env), b(env));
    }
  };
  const product = level(
    atom,
    new Map([
      ['*', (a, b) => a * b],
      ['/', (a, b) => a / b],
    ]),
  );
  const sum = level(
    product,
    new Map([
      ['+', (a, b) => a + b],
      ['-', (a, b) => a - b],
    ]),
  );
  let result: SizeExpression;
  if (take('[')) {
    const items: Node[] = [sum()];
    while (take(',')) items.push(sum());
    if (!take(']')) throw new Error('Invalid expression: a [ is not closed');
    result = (width, height, dpr) => items.map((item) => item({ width, height, dpr }));
  } else {
    const node = sum();
    result = (width, height, dpr) => node({ width, height, dpr });
  }
  if (i !== tokens.length) throw new Error('Invalid expression: unexpected text after its end');
  return result;
}
