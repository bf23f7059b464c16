import { describe, expect, it } from 'vitest';
import { compileSizeExpression } from '../../src/studio/charts/safe-expression.js';

describe('chart size expressions without eval', () => {
  it('computes what claygl’s compositor asks for', () => {
    expect(compileSizeExpression('[width * dpr / 4, height * dpr / 4]')(800, 600, 2)).toEqual([400, 300]);
    expect(compileSizeExpression(' [width * 1.0 / 16, height / 16] ')(1600, 800, 1)).toEqual([100, 50]);
    expect(compileSizeExpression('height * 1.0 / 2')(10, 7, 1)).toBe(3.5);
    expect(compileSizeExpression('(width + height) * -2 - .5')(1, 2, 1)).toBe(-6.5);
  });

  it('refuses anything but arithmetic on width, height and dpr', () => {
    for (const bad of [
      'alert(1)',
      'width; fetch("x")',
      'window',
      '[width, ',
      '(width',
      'width height',
      'this.constructor',
      '1 ** 2',
      '',
    ]) {
      expect(() => compileSizeExpression(bad), bad).toThrow(/Invalid expression/);
    }
  });
});
