import { describe, expect, it } from 'vitest';
import { CliUsageError, parseCliArgs } from '../../scripts/cli-args.js';

describe('sweep CLI arguments', () => {
  it('parses the spec path and flags', () => {
    expect(parseCliArgs(['examples/digits-mlp.json', '--json', '--backend', 'wasm'])).toEqual({
      specPath: 'examples/digits-mlp.json',
      json: true,
      backend: 'wasm',
      build: true,
      rebuild: false,
      recalibrate: false,
      workspace: undefined,
    });
    expect(parseCliArgs(['--backend=auto', 'x.json', '--no-build', '--workspace', 'w'])).toEqual({
      specPath: 'x.json',
      json: false,
      backend: 'auto',
      build: false,
      rebuild: false,
      recalibrate: false,
      workspace: 'w',
    });
    expect(parseCliArgs(['--help'])).toBe('help');
    expect(parseCliArgs(['--version'])).toBe('version');
    // The bin's form: `overdrive sweep spec.json`.
    expect(parseCliArgs(['sweep', 'x.json', '--rebuild', '--recalibrate'])).toMatchObject({
      specPath: 'x.json',
      build: true,
      rebuild: true,
      recalibrate: true,
    });
  });

  it.each([
    [[], 'a spec file is required'],
    [['a.json', 'b.json'], 'only one spec file may be given (got "a.json" and "b.json")'],
    [['a.json', '--backend', 'tpu'], '--backend must be one of auto, webgpu, webgl, wasm, cpu (got "tpu")'],
    [['a.json', '--backend'], '--backend needs a value'],
    [['a.json', '--jsn'], 'unknown option "--jsn"'],
    [['a.json', '--rebuild', '--no-build'], '--rebuild and --no-build contradict each other'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
