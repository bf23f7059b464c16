// Runs ECharts' code paths that the analysis panels use, one small piece per idle period, before
// any panel is created. ECharts' code is compiled by V8 lazily, function by function, on first
// call, and a panel's first picture in a fresh tab paid for every path it touched at once (grid,
// axes, a series type, custom shapes, visual map, tooltip): 45–68 ms of main-thread CPU in one
// task. Each step here touches one of those paths on a tiny chart that is never attached to the
// page, and is disposed after, so each step is a task of a few milliseconds and the panel's first
// render then runs compiled code.
import { init } from 'echarts/core';
import type { PanelOption } from './panel-echarts.js';

/** One warm-up step: what it touched, and how long its task took (ms, the page's clock). */
export interface WarmUpStep {
  readonly name: string;
  readonly ms: number;
}

const AXES: PanelOption = {
  animation: false,
  grid: { left: 8, right: 8, top: 8, bottom: 8 },
  xAxis: { type: 'value' },
  yAxis: { type: 'value' },
};

/**
 * In page order of need: every panel draws a grid with value axes; slice and contour draw
 * scatter points; distribution lines; contour and timeline custom shapes (timeline on a category
 * axis); contour colours by a continuous visual map; all show a tooltip.
 */
const STEPS: readonly { readonly name: string; readonly option: PanelOption }[] = [
  { name: 'grid and value axes', option: AXES },
  {
    name: 'scatter',
    option: {
      ...AXES,
      series: [
        {
          type: 'scatter',
          symbolSize: 4,
          data: [
            [0, 1],
            [1, 2],
          ],
        },
      ],
    },
  },
  {
    name: 'line',
    option: {
      ...AXES,
      series: [
        {
          type: 'line',
          showSymbol: false,
          data: [
            [0, 1],
            [1, 2],
          ],
        },
      ],
    },
  },
  {
    name: 'custom on a category axis',
    option: {
      ...AXES,
      yAxis: { type: 'category', data: ['a', 'b'] },
      series: [
        {
          type: 'custom',
          renderItem: (_params, api) => {
            const start = api.coord([0, api.value(1)]);
            const end = api.coord([1, api.value(1)]);
            return {
              type: 'rect',
              shape: { x: start[0] ?? 0, y: (start[1] ?? 0) - 2, width: (end[0] ?? 0) - (start[0] ?? 0), height: 4 },
              style: { fill: '#888' },
            };
          },
          data: [
            [0, 0],
            [1, 1],
          ],
        },
      ],
    },
  },
  {
    name: 'visual map and tooltip',
    option: {
      ...AXES,
      tooltip: { trigger: 'item' },
      visualMap: { type: 'continuous', min: 0, max: 1, dimension: 1, show: true, calculable: false },
      series: [
        {
          type: 'scatter',
          data: [
            [0, 0],
            [1, 1],
          ],
        },
      ],
    },
  },
];

/**
 * Runs the steps, each in its own idle period (`idle` resolves when the page is idle), stopping
 * early when `cancelled()` says so (the page went away). Returns each step's task time.
 */
export async function warmUpPanels(idle: () => Promise<void>, cancelled: () => boolean): Promise<WarmUpStep[]> {
  const done: WarmUpStep[] = [];
  for (const step of STEPS) {
    await idle();
    if (cancelled()) break;
    const t0 = performance.now();
    // Never in the document: no layout, nothing a person sees; the size is given, not measured.
    const chart = init(document.createElement('div'), null, { renderer: 'canvas', width: 96, height: 64 });
    try {
      chart.setOption(step.option, { notMerge: true, lazyUpdate: false });
    } finally {
      chart.dispose();
    }
    const t1 = performance.now();
    // On the page's timeline, so that a benchmark or DevTools can find each step's task.
    performance.measure(`panels warm-up: ${step.name}`, { start: t0, end: t1 });
    done.push({ name: step.name, ms: t1 - t0 });
  }
  return done;
}
