import { describe, expect, it } from 'vitest';
import { computeImportance, type ImportanceInput } from '../../src/analysis/importance/index.js';
import { answerImportanceRequest } from '../../src/analysis/importance/remote.js';

// The analysis worker's side of the importance panel (src/analysis-worker/importance-worker.ts):
// what it answers to a request, a malformed message and an analysis that throws.

const input: ImportanceInput = {
  params: [
    { name: 'lr', kind: 'number', low: 0, high: 1, log: false },
    { name: 'opt', kind: 'category', choices: ['adam', 'sgd'] },
  ],
  rows: Array.from({ length: 30 }, (_, i) => ({
    values: { lr: (i % 10) / 10, opt: i % 2 === 0 ? 'adam' : 'sgd' },
    target: ((i % 10) / 10) ** 2,
  })),
};

describe('the analysis worker answers importance requests', () => {
  it('with the same figures as computing in place, echoing the id', () => {
    const reply = answerImportanceRequest({ kind: 'importance', id: 7, input, seed: 0 });
    expect(reply).toEqual({ kind: 'result', id: 7, result: computeImportance(input, { seed: 0 }) });
    if (reply.kind !== 'result' || reply.result.kind !== 'importance') throw new Error('expected figures');
    expect(reply.result.params[0]?.name).toBe('lr');
  });

  it('with an error naming what a malformed request lacks', () => {
    expect(answerImportanceRequest({ kind: 'importance', id: 3, seed: 0 })).toEqual({
      kind: 'error',
      id: 3,
      message: expect.stringContaining('input { params, rows }'),
    });
    expect(answerImportanceRequest('hello')).toMatchObject({ kind: 'error', id: -1 });
  });

  it('with the analysis error when a row is bad', () => {
    const bad = { ...input, rows: [...input.rows, { values: { lr: 0.5, opt: 'adam' }, target: Number.NaN }] };
    const reply = answerImportanceRequest({ kind: 'importance', id: 1, input: bad, seed: 0 });
    expect(reply).toMatchObject({ kind: 'error', id: 1 });
    if (reply.kind === 'error') expect(reply.message).toContain('finite number (got NaN)');
  });
});
