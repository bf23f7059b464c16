// The sweep page's analysis panels (importance, slice, contour, distribution, timeline), loaded
// together by one dynamic import() from src/studio/panels-section.ts, like ./index.ts loads
// the other charts. Each creates one root element with a stable data-testid inside its container.
import { createContour, type ContourChart, type ContourOptions } from './contour.js';
import { createDistribution, type DistributionChart, type DistributionSet } from './distribution.js';
import { createImportance, type ImportanceChart } from './importance.js';
import { ensurePanelStyles } from './panel-styles.js';
import { createSlice, type SliceChart } from './slice.js';
import { createTimeline, type TimelineChart } from './timeline.js';
import type { BaseChartOptions } from './types.js';

export type PanelKind = 'importance' | 'slice' | 'contour' | 'distribution' | 'timeline';

export interface PanelByKind {
  readonly importance: ImportanceChart;
  readonly slice: SliceChart;
  readonly contour: ContourChart;
  readonly distribution: DistributionChart;
  readonly timeline: TimelineChart;
}

export interface PanelOptionsByKind {
  readonly importance: BaseChartOptions;
  readonly slice: BaseChartOptions;
  readonly contour: ContourOptions;
  readonly distribution: BaseChartOptions;
  readonly timeline: BaseChartOptions;
}

export const PANEL_TEST_IDS: Readonly<Record<PanelKind, string>> = {
  importance: 'importance-panel',
  slice: 'slice-plot',
  contour: 'contour-plot',
  distribution: 'distribution-plot',
  timeline: 'timeline-plot',
};

const FACTORIES: {
  readonly [K in PanelKind]: (container: HTMLElement, options: PanelOptionsByKind[K]) => PanelByKind[K];
} = {
  importance: createImportance,
  slice: createSlice,
  contour: createContour,
  distribution: createDistribution,
  timeline: createTimeline,
};

export function createPanel<K extends PanelKind>(
  kind: K,
  container: HTMLElement,
  options: PanelOptionsByKind[K],
): PanelByKind[K] {
  ensurePanelStyles(container);
  const factory: (container: HTMLElement, options: PanelOptionsByKind[K]) => PanelByKind[K] = FACTORIES[kind];
  return factory(container, options);
}

export { createContour, createDistribution, createImportance, createSlice, createTimeline };
export { warmUpPanels, type WarmUpStep } from './warm-up.js';
export type { ContourChart, DistributionChart, DistributionSet, ImportanceChart, SliceChart, TimelineChart };
