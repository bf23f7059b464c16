// Harness for the distribution panel's comparison of several sweeps (test/browser/panels.test.ts):
// what a compare page does with it, on two synthetic sweeps of different sizes.
import { createDistribution, type DistributionChart } from '../../../src/studio/charts/panels.js';
import { SyntheticSweep } from './charts-page.js';

let chart: DistributionChart | null = null;

const harness = {
  mount(): void {
    const slot = document.getElementById('distribution');
    if (slot === null) throw new Error('no #distribution slot');
    chart = createDistribution(slot, { data: new SyntheticSweep({ runs: 40, intervals: 10, seed: 3 }).data() });
  },
  compare(): void {
    chart?.compare([
      { label: 'Sweep A', data: new SyntheticSweep({ runs: 40, intervals: 10, seed: 3 }).data() },
      { label: 'Sweep B', data: new SyntheticSweep({ runs: 25, intervals: 10, seed: 9 }).data() },
    ]);
  },
  single(): void {
    chart?.update(new SyntheticSweep({ runs: 40, intervals: 10, seed: 3 }).data());
  },
};

declare global {
  interface Window {
    panelsHarness: typeof harness;
  }
}

window.panelsHarness = harness;
const status = document.getElementById('status');
if (status !== null) status.textContent = 'ready';
