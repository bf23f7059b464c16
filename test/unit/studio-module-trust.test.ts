import { describe, expect, it } from 'vitest';
import { linkedModuleVerdict } from '../../src/studio/builder/module-trust.js';

const PAGE = 'http://127.0.0.1:4173/?workspace=w#/';

describe('a training module named by a link or an imported spec', () => {
  it('of this site: asks, showing the full URL and origin', () => {
    expect(linkedModuleVerdict('/trials/mine.js', PAGE)).toEqual({
      kind: 'confirm',
      url: 'http://127.0.0.1:4173/trials/mine.js',
      origin: 'http://127.0.0.1:4173',
    });
  });

  it('data: is refused, naming the field, the rule and the value', () => {
    expect(linkedModuleVerdict('data:text/javascript,export default () => {}', PAGE)).toEqual({
      kind: 'refused',
      message:
        'trial.module: a training module from a link or an imported spec must be a file of this site (http://127.0.0.1:4173); data: URLs are refused (got "data:text/javascript,export default () => {}")',
    });
  });

  it('blob: is refused, even of this origin (a link cannot carry a picked file)', () => {
    const verdict = linkedModuleVerdict('blob:http://127.0.0.1:4173/5a1e', PAGE);
    expect(verdict.kind).toBe('refused');
    if (verdict.kind === 'refused') expect(verdict.message).toMatch(/^trial\.module: .*blob: URLs are refused/);
  });

  it('another origin, another port or another scheme is refused', () => {
    for (const url of [
      'https://evil.test/x.js',
      'http://127.0.0.1:9999/x.js',
      '//evil.test/x.js',
      'javascript:alert(1)',
      'file:///x.js',
    ]) {
      const verdict = linkedModuleVerdict(url, PAGE);
      expect(verdict.kind, url).toBe('refused');
      if (verdict.kind === 'refused') expect(verdict.message, url).toContain('are refused');
    }
  });

  it('a long value is shortened in the message', () => {
    const verdict = linkedModuleVerdict(`data:text/javascript,${'x'.repeat(5000)}`, PAGE);
    expect(verdict.kind === 'refused' && verdict.message.length < 400).toBe(true);
  });
});
