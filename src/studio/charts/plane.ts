// What the charts that plot runs on the plane of two parameters share (2-D scatter, contour; the
// slice and 3-D scatter place points the same way): where a run sits on a parameter's axis, the
// axis itself, the frame around the two axes, and the pair of selects that pick them.
import type { ChartRun, ParamColumn } from '../view-model/chart-data.js';
import { coordinate, jitter, pickAxes, type PlotColumn } from './columns.js';
import { LabelledSelect } from './dom.js';
import type { ChartOption } from './echarts-setup.js';
import { axisStyle, numericAxisRange, textStyle, tooltipBase } from './echarts-style.js';
import { formatNumber, truncate } from './format.js';
import { withAlpha, type ChartTheme } from './theme.js';
import type { ScatterAxes2D } from './types.js';

/** How far jittered points spread around their category, as a fraction of the gap between categories. */
const JITTER_SPREAD = 0.55;

/** The position of a run on a plotted column: category positions are jittered. */
export function plotPosition(column: PlotColumn, run: ChartRun, salt: number): number | null {
  const value = coordinate(column, run);
  if (value === null) return null;
  return column.kind === 'category' ? value + jitter(run.id, salt) * JITTER_SPREAD : value;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An axis usable as x or y: ECharts types the two apart only by `mainType`. */
type AxisOption = DistributiveOmit<Exclude<NonNullable<ChartOption['xAxis']>, readonly unknown[]>, 'mainType'>;

/** A cartesian axis for a parameter column (value, log, or categories as labelled positions). */
export function paramAxis(column: PlotColumn, theme: ChartTheme, position: 'x' | 'y', labelChars: number): AxisOption {
  const axis = axisStyle(theme);
  const name = truncate(column.name, labelChars);
  const common = {
    name,
    nameLocation: 'middle' as const,
    nameGap: position === 'x' ? 28 : 44,
    nameTextStyle: axis.nameTextStyle,
    axisLine: axis.axisLine,
    axisTick: axis.axisTick,
  };
  if (column.kind === 'category') {
    const labels = column.labels;
    const centres = labels.map((_, i) => i);
    return {
      ...common,
      type: 'value',
      min: -0.5,
      max: labels.length - 0.5,
      // Ticks (and so split lines and bands) at the edges between categories, labels at their centres.
      axisTick: { show: false, customValues: [...centres.map((i) => i - 0.5), labels.length - 0.5] },
      splitLine: { show: true, lineStyle: { color: withAlpha(theme.line, 0.6) } },
      splitArea: { show: true, areaStyle: { color: [withAlpha(theme.line, 0.18), 'rgba(0, 0, 0, 0)'] } },
      axisLabel: {
        ...axis.axisLabel,
        customValues: centres,
        formatter: (value: number) => truncate(labels[Math.round(value)] ?? '', 14),
      },
    };
  }
  return {
    ...common,
    ...numericAxisRange(column),
    splitLine: axis.splitLine,
    axisLabel: { ...axis.axisLabel, formatter: (v: number) => formatNumber(v) },
  };
}

/** The part of a plane chart's option around its series: grid, both parameter axes, tooltip. */
export function planeFrame(
  theme: ChartTheme,
  axes: { readonly x: PlotColumn; readonly y: PlotColumn },
  size: { readonly width: number; readonly height: number },
  options: {
    /** Room on the right (the colour scale's). */
    readonly right: number;
    /** Banded backgrounds of category axes: off where a surface fills the plane. */
    readonly bands: boolean;
    readonly tooltip: (params: unknown) => HTMLElement | string;
  },
): Pick<ChartOption, 'animation' | 'textStyle' | 'tooltip' | 'grid' | 'xAxis' | 'yAxis'> {
  const band = options.bands ? {} : { splitArea: { show: false } };
  return {
    animation: false,
    textStyle: textStyle(theme),
    tooltip: tooltipBase(theme, options.tooltip),
    grid: {
      left: 56,
      right: options.right,
      top: 16,
      bottom: 44,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    xAxis: { ...paramAxis(axes.x, theme, 'x', Math.max(10, Math.floor(size.width / 8))), ...band },
    yAxis: { ...paramAxis(axes.y, theme, 'y', Math.max(10, Math.floor(size.height / 8))), ...band },
  };
}

/**
 * The X and Y selects of a plane chart: which two parameters are wanted, which are shown (the
 * wanted ones where the sweep has them), and picking for one axis what the other shows swaps them.
 */
export class AxisPair {
  readonly elements: readonly HTMLElement[];
  private readonly x: LabelledSelect;
  private readonly y: LabelledSelect;
  private wanted: [string | undefined, string | undefined];
  private shown: ScatterAxes2D | null = null;

  /** `onPick` runs after a person picked an axis (the chart redraws, then reports `axes`). */
  constructor(testIdPrefix: string, initial: { readonly x?: string; readonly y?: string }, onPick: () => void) {
    this.wanted = [initial.x, initial.y];
    this.x = new LabelledSelect('X axis', `${testIdPrefix}-x`, (value) => this.pick(0, value, onPick));
    this.y = new LabelledSelect('Y axis', `${testIdPrefix}-y`, (value) => this.pick(1, value, onPick));
    this.elements = [this.x.element, this.y.element];
  }

  /** The axes drawn last; null before any or when the sweep has fewer than two parameters. */
  get axes(): ScatterAxes2D | null {
    return this.shown;
  }

  /** What the wanted axes are, as part of a draw key. */
  get key(): string {
    return this.wanted.join('\u0000');
  }

  want(axes: ScatterAxes2D): void {
    this.wanted = [axes.x, axes.y];
  }

  /**
   * The two parameters to draw of `params` (null: fewer than two, or no runs to draw), and the
   * selects updated to offer them (disabled when there is nothing to pick).
   */
  resolve(params: readonly ParamColumn[], drawable: boolean): ScatterAxes2D | null {
    const picked = drawable ? pickAxes(params, this.wanted, 2) : null;
    const options = params.map((p) => ({ value: p.name, label: p.name }));
    if (picked === null) {
      this.shown = null;
    } else {
      const [x = '', y = ''] = picked;
      this.shown = { x, y };
      // What is shown is what is wanted from now on: a later pick of one axis keeps the other.
      this.wanted = [x, y];
    }
    this.x.setOptions(options, this.shown?.x ?? '');
    this.y.setOptions(options, this.shown?.y ?? '');
    this.x.select.disabled = this.shown === null;
    this.y.select.disabled = this.shown === null;
    return this.shown;
  }

  private pick(slot: 0 | 1, value: string, onPick: () => void): void {
    const shown = this.shown;
    const other = slot === 0 ? 1 : 0;
    // Picking the parameter the other axis shows swaps the two.
    if (shown !== null && value === (other === 0 ? shown.x : shown.y))
      this.wanted[other] = slot === 0 ? shown.x : shown.y;
    this.wanted[slot] = value;
    onPick();
  }
}
