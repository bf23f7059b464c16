import { describe, expect, it } from 'vitest';
import { readFlags } from '../../bench/lib/cli-options.js';

const spec = {
  backend: { choices: ['wasm', 'cpu'] },
  epochs: 10,
  variant: 'overdrive',
  'no-build': false,
} as const;

describe("the profilers' flags", () => {
  it('gives the defaults, typed, when no flag is given', () => {
    expect(readFlags(spec, [])).toEqual({ backend: 'wasm', epochs: 10, variant: 'overdrive', 'no-build': false });
  });

  it('reads numbers, choices, strings and switches', () => {
    expect(readFlags(spec, ['--backend=cpu', '--epochs=30', '--variant=plain,overdrive', '--no-build'])).toEqual({
      backend: 'cpu',
      epochs: 30,
      variant: 'plain,overdrive',
      'no-build': true,
    });
  });

  it('names the flag, the rule and the value of a bad flag', () => {
    expect(() => readFlags(spec, ['--epochs=ten'])).toThrow('--epochs must be a number; got "ten"');
    expect(() => readFlags(spec, ['--backend=webgl'])).toThrow('--backend must be one of wasm, cpu; got "webgl"');
    expect(() => readFlags(spec, ['--epoch=3'])).toThrow(/epoch/);
  });
});
