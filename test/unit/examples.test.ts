import { expect, it } from 'vitest';
import { quickstart } from '../../examples/quickstart.js';

it('the README quickstart runs a whole sweep in Node and finds a sensible best run', async () => {
  const { best, status } = await quickstart();
  expect(status).toBe('Completed');
  // The toy objective peaks at learning_rate 1e-2 and 2 hidden layers.
  expect(best?.['num_hidden_layers']).toBe(2);
  expect(Math.abs(Math.log10(best?.['learning_rate'] as number) + 2)).toBeLessThan(0.5);
});
