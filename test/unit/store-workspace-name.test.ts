import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { checkWorkspaceName, MAX_WORKSPACE_NAME_LENGTH } from '../../src/store/workspace-name.js';
import { CliUsageError, parseCliArgs } from '../../scripts/cli-args.js';

const refusal = (name: string): ConfigError => {
  try {
    checkWorkspaceName(name, '?workspace=');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`${JSON.stringify(name)} was accepted`);
};

describe('workspace names', () => {
  it('accepts ordinary names, Unicode and punctuation included', () => {
    for (const name of ['overdrive', 'my sweeps', 'Études-2026', 'a', 'x'.repeat(MAX_WORKSPACE_NAME_LENGTH), 'ü/ö:1']) {
      expect(checkWorkspaceName(name, '?workspace=')).toBe(name);
    }
  });

  it('refuses reserved, empty, blank, over-long and control-character names with field, rule and value', () => {
    const reserved = refusal('tensorflowjs');
    expect(reserved.field).toBe('?workspace=');
    expect(reserved.message).toBe(
      '?workspace=: must not be "tensorflowjs": that is the database TensorFlow.js saves models in (got "tensorflowjs")',
    );
    expect(refusal('TensorFlowJS').rule).toContain('TensorFlow.js');
    expect(refusal('').rule).toBe('must name a workspace: it is empty or blank');
    expect(refusal('   ').rule).toBe('must name a workspace: it is empty or blank');
    expect(refusal('x'.repeat(256)).rule).toBe(
      `must be at most ${MAX_WORKSPACE_NAME_LENGTH} characters long (it has 256)`,
    );
    expect(refusal('two\nlines').rule).toContain('found U+000A at position 4');
    expect(refusal('tab\there').rule).toContain('control characters');
    expect(refusal('\u0000').rule).toContain('U+0000');
    expect(refusal(' padded').rule).toBe('must not start or end with spaces');
  });

  it('the CLI checks --workspace the same way', () => {
    expect(() => parseCliArgs(['spec.json', '--workspace', 'tensorflowjs'])).toThrow(CliUsageError);
    expect(() => parseCliArgs(['spec.json', '--workspace=a\nb'])).toThrow(/--workspace: must not contain control/);
    expect(parseCliArgs(['spec.json', '--workspace', 'mine'])).toMatchObject({ workspace: 'mine' });
  });
});
