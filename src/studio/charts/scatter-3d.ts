// 3-D scatter: any three hyperparameters, coloured by the primary metric, rotated by dragging
// (echarts-gl grid3D + scatter3D, WebGL). Without WebGL the chart area says so instead.
// echarts-gl is imported here only, so its code is fetched with this chart and no other.
import { Scatter3DChart as Scatter3DInstaller } from 'echarts-gl/charts';
import { Grid3DComponent } from 'echarts-gl/components';
import type { ChartData, ChartRun } from '../view-model/chart-data.js';
import { metricExtent, pickAxes, plotColumn, type PlotColumn } from './columns.js';
import { h, LabelledSelect } from './dom.js';
import { initChart, use, type EChartsType } from './echarts-setup.js';
import { metricVisualMap, numericAxisRange, textStyle, tooltipBase } from './echarts-style.js';
import { formatNumber, truncate } from './format.js';
import { ChartLifecycle, entryAt } from './lifecycle.js';
import { pointTooltip } from './run-tooltip.js';
import { plotPosition } from './plane.js';
import { applyOption, contentKey, syncSize } from './shell.js';
import { withAlpha, type ChartTheme } from './theme.js';
import type { Scatter3DChart, Scatter3DOptions, ScatterAxes3D } from './types.js';

use([Scatter3DInstaller, Grid3DComponent]);

// The slice of echarts-gl's option format this chart uses (the package has no types).
interface TextStyle3D {
  readonly color: string;
  readonly fontSize: number;
  readonly fontFamily: string;
}

interface Axis3DOption {
  readonly type: 'value' | 'log';
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly logBase?: number;
  readonly nameTextStyle: TextStyle3D;
  readonly axisLabel: {
    readonly textStyle: TextStyle3D;
    readonly formatter: (value: number) => string;
    readonly customValues?: readonly number[];
  };
  readonly axisTick?: { readonly customValues: readonly number[] };
  readonly nameGap: number;
  readonly axisPointer: { readonly label: { readonly formatter: (value: number) => string } };
}

interface Scatter3DSeries {
  readonly type: 'scatter3D';
  readonly data: number[][];
  readonly symbolSize: number;
  readonly itemStyle: {
    readonly opacity: number;
    readonly color?: string;
    readonly borderWidth?: number;
    readonly borderColor?: string;
  };
  readonly emphasis: { readonly itemStyle: { readonly color: string } };
}

interface Camera {
  readonly alpha: number;
  readonly beta: number;
  readonly distance: number;
  readonly center?: readonly number[];
}

// Looking at a point below the box's centre lifts the tilted box, so its front labels are not cut.
const DEFAULT_VIEW: Camera = { alpha: 18, beta: 32, distance: 195, center: [0, -30, 0] };

function isCamera(value: unknown): value is Camera {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r['alpha'] === 'number' && typeof r['beta'] === 'number' && typeof r['distance'] === 'number';
}

function hasWebGL(): boolean {
  try {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    if (gl === null) return false;
    // Give the probe context back at once: browsers cap live WebGL contexts per page.
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return true;
  } catch {
    return false;
  }
}

function axisOption(column: PlotColumn, theme: ChartTheme): Axis3DOption {
  const text: TextStyle3D = { color: theme.muted, fontSize: 11, fontFamily: theme.fontFamily };
  const name = truncate(column.name, 18);
  if (column.kind === 'category') {
    const labels = column.labels;
    const label = (value: number): string => {
      const index = Math.round(value);
      return Math.abs(value - index) < 1e-6 && index >= 0 && index < labels.length
        ? truncate(labels[index] ?? '', 12)
        : '';
    };
    const centres = labels.map((_, i) => i);
    return {
      type: 'value',
      name,
      nameGap: 26,
      min: -0.5,
      max: labels.length - 0.5,
      nameTextStyle: { ...text, color: theme.fg, fontSize: 12 },
      // Split lines at the edges between categories, labels at their centres.
      axisTick: { customValues: [...centres.map((i) => i - 0.5), labels.length - 0.5] },
      axisLabel: { textStyle: text, formatter: label, customValues: centres },
      axisPointer: { label: { formatter: label } },
    };
  }
  return {
    ...numericAxisRange(column),
    name,
    nameGap: 26,
    nameTextStyle: { ...text, color: theme.fg, fontSize: 12 },
    axisLabel: { textStyle: text, formatter: (v: number) => formatNumber(v) },
    axisPointer: { label: { formatter: (v: number) => formatNumber(v) } },
  };
}

class Scatter3DImpl extends ChartLifecycle implements Scatter3DChart {
  readonly kind = 'scatter-3d' as const;
  private readonly selects: readonly [LabelledSelect, LabelledSelect, LabelledSelect];
  private echarts: EChartsType | null = null;
  /** The `hasWebGL()` answer, asked once, when first needed. */
  private probed: boolean | null = null;
  /**
   * Whether the chart has come within a screen of the view. Until then it is an empty plot of its
   * size with no WebGL context: creating the probe's and echarts-gl's contexts and presenting the
   * first WebGL frame cost ~220 ms of main-thread wall on opening a sweep (sync GPU-process IPC
   * and a read-back under software compositing), for a chart below the fold.
   */
  private view: 'unknown' | 'far' | 'near' = 'unknown';
  private glStarted = false;
  private wanted: [string | undefined, string | undefined, string | undefined];
  private axes: ScatterAxes3D | null = null;
  /** Where the person rotated the view to; every redraw keeps it (the options are rebuilt, not merged). */
  private camera: Camera = DEFAULT_VIEW;
  private seriesRuns: ChartRun[][] = [];
  private failed: string | null = null;
  private readonly sizes = { last: '', frame: '' };

  constructor(
    container: HTMLElement,
    private readonly options: Scatter3DOptions,
  ) {
    // echarts-gl rebuilds its label textures on every redraw, and each redraw is two WebGL
    // frames, which software compositing (no GPU) reads back on the main thread while committing
    // the frame (GLES2::ReadPixels in a trace: 5-150 ms waiting on the GPU process on a busy
    // 2-core machine): data redraws at most once every 2 s.
    super(container, 'scatter-3d', '3-D scatter', 2000);
    this.wanted = [options.x, options.y, options.z];
    this.selects = [
      new LabelledSelect('X axis', 'scatter3d-x', (v) => this.pick(0, v)),
      new LabelledSelect('Y axis', 'scatter3d-y', (v) => this.pick(1, v)),
      new LabelledSelect('Z axis', 'scatter3d-z', (v) => this.pick(2, v)),
    ];
    const reset = h('button', { type: 'button', class: 'odc-button', 'data-testid': 'scatter3d-reset' }, 'Reset view');
    reset.addEventListener('click', () => {
      this.camera = DEFAULT_VIEW;
      this.invalidate();
    });
    this.shell.controls.append(...this.selects.map((s) => s.element), reset);
    if (typeof IntersectionObserver === 'undefined') this.view = 'near';
    else {
      const observer = new IntersectionObserver(
        (entries) => {
          const entry = entries[entries.length - 1];
          if (entry === undefined || this.view === 'near') return;
          this.view = entry.isIntersecting ? 'near' : 'far';
          // Once made, the context stays: a chart scrolled past is cheap to keep, not to remake.
          if (this.view === 'near') observer.disconnect();
          this.scheduler.request('now');
        },
        // One screen, as the lifecycle's live-data margin: the chart is ready when scrolled to.
        { rootMargin: '100% 0px' },
      );
      observer.observe(this.shell.root);
      this.own({ dispose: () => observer.disconnect() });
    }
    this.start(options.data);
  }

  /** False when the browser offers no WebGL: the chart then shows a message instead. */
  get webgl(): boolean {
    if (this.probed === null) this.probed = hasWebGL();
    return this.probed;
  }

  /** The echarts-gl instance, made once, the first time the chart is near the view. */
  private startGL(): void {
    if (this.glStarted) return;
    this.glStarted = true;
    if (!this.webgl) return;
    try {
      const echarts = this.own(initChart(this.shell.plot));
      echarts.on('click', (params: unknown) => {
        const run = this.runAt(params);
        if (run !== undefined) this.options.onSelect?.({ kind: 'runs', runIds: new Set([run.id]) });
      });
      echarts.on('grid3dcamerachanged', (event: unknown) => {
        if (!isCamera(event)) return;
        const center = (event as { center?: unknown }).center;
        this.camera = {
          alpha: event.alpha,
          beta: event.beta,
          distance: event.distance,
          ...(Array.isArray(center) && center.every((v) => typeof v === 'number')
            ? { center: center as number[] }
            : {}),
        };
      });
      this.echarts = echarts;
    } catch (error) {
      this.failed = error instanceof Error ? error.message : String(error);
    }
  }

  getAxes(): ScatterAxes3D | null {
    return this.axes;
  }

  setAxes(axes: ScatterAxes3D): void {
    this.wanted = [axes.x, axes.y, axes.z];
    this.scheduler.request('now');
  }

  private pick(slot: 0 | 1 | 2, value: string): void {
    const current = this.axes === null ? null : [this.axes.x, this.axes.y, this.axes.z];
    // Picking a parameter another axis shows swaps the two.
    if (current !== null) {
      const other = current.indexOf(value);
      if (other >= 0 && other !== slot) this.wanted[other as 0 | 1 | 2] = current[slot];
    }
    this.wanted[slot] = value;
    this.scheduler.request('now');
    this.scheduler.flush();
    if (this.axes !== null) this.options.onAxesChange?.(this.axes);
  }

  private setControls(axes: ScatterAxes3D | null): void {
    const options = (this.data?.params ?? []).map((p) => ({ value: p.name, label: p.name }));
    const values = axes === null ? ['', '', ''] : [axes.x, axes.y, axes.z];
    this.selects.forEach((select, i) => {
      select.setOptions(options, values[i] ?? '');
      select.select.disabled = axes === null || this.echarts === null;
    });
  }

  protected draw(): void {
    const data = this.data;
    if (this.view !== 'near') {
      // The placeholder is this chart's first picture while it is away (the charts panel waits
      // for every chart's first picture); before the observer speaks nothing is known yet.
      if (this.view === 'far' && data !== null) this.shell.markDrawn(data.version);
      this.setControls(null);
      this.forgetDrawn();
      return;
    }
    this.startGL();
    const width = this.shell.stage.clientWidth;
    const height = this.shell.stage.clientHeight;
    const key = `${contentKey(data)}|${this.wanted.join('\u0000')}|${this.highlightKey}|${width}x${height}|${this.revision}`;
    if (this.upToDate(key)) return;
    if (data !== null) this.shell.markDrawn(data.version);
    if (!this.webgl || this.echarts === null || this.failed !== null) {
      this.setControls(null);
      this.shell.setEmpty(
        `The 3-D scatter needs WebGL, which this browser has turned off or does not offer${this.failed === null ? '' : ` (${this.failed})`}. The 2-D scatter shows the same runs.`,
      );
      return;
    }
    if (data === null || data.runs.length === 0) {
      this.setControls(null);
      this.shell.setEmpty(
        'No runs yet. Each run becomes a point at three of its hyperparameters, coloured by the primary metric.',
      );
      return;
    }
    const picked = pickAxes(data.params, this.wanted, 3);
    if (picked === null) {
      this.setControls(null);
      this.shell.setEmpty(
        `A 3-D scatter needs at least three hyperparameters; this sweep has ${data.params.length === 0 ? 'none' : `only ${data.params.length === 1 ? 'one' : 'two'}`}.`,
      );
      return;
    }
    const [x = '', y = '', z = ''] = picked;
    this.axes = { x, y, z };
    // What is shown is what is wanted from now on: a later pick of one axis keeps the others.
    this.wanted = [x, y, z];
    this.setControls(this.axes);
    this.shell.setEmpty(null);
    const columns = picked.map((name) => data.params.find((p) => p.name === name));
    const [cx, cy, cz] = columns;
    if (cx === undefined || cy === undefined || cz === undefined) return;
    try {
      syncSize(this.echarts, this.sizes, width, height);
      const [px, py, pz] = [plotColumn(cx, data.runs), plotColumn(cy, data.runs), plotColumn(cz, data.runs)];
      const frame = JSON.stringify([
        px,
        py,
        pz,
        width,
        height,
        this.revision,
        this.camera,
        metricExtent(data.runs) === null,
      ]);
      applyOption(this.echarts, this.sizes, frame, this.option(data, px, py, pz, height));
    } catch (error) {
      this.failed = error instanceof Error ? error.message : String(error);
      this.forgetDrawn();
      this.scheduler.request('now');
      return;
    }
    this.shell.setLabel(
      `3-D scatter of ${data.runs.length} runs: ${x}, ${y} and ${z}, coloured by ${data.primaryMetric}. Drag to rotate.`,
    );
  }

  private option(
    data: ChartData,
    x: PlotColumn,
    y: PlotColumn,
    z: PlotColumn,
    height: number,
  ): Record<string, unknown> {
    const theme = this.shell.theme;
    const extent = metricExtent(data.runs);
    const n = data.runs.length;
    const size = n <= 50 ? 10 : n <= 300 ? 7 : 5;
    const faded = this.highlighted.size > 0 ? 0.25 : 0.95;
    const withMetric: number[][] = [];
    const without: number[][] = [];
    const emphasised: number[][] = [];
    const runsWith: ChartRun[] = [];
    const runsWithout: ChartRun[] = [];
    const runsEmphasised: ChartRun[] = [];
    for (const run of data.runs) {
      const px = plotPosition(x, run, 1);
      const py = plotPosition(y, run, 2);
      const pz = plotPosition(z, run, 3);
      if (px === null || py === null || pz === null) continue;
      const hasMetric = run.best !== null && Number.isFinite(run.best);
      const row = [px, py, pz, hasMetric && run.best !== null ? run.best : NaN];
      if (this.highlighted.has(run.id)) {
        emphasised.push(row);
        runsEmphasised.push(run);
      }
      (hasMetric ? withMetric : without).push(row);
      (hasMetric ? runsWith : runsWithout).push(run);
    }
    // Unlike the 2-D scatter, one series coloured through the visualMap: echarts-gl keeps a
    // label texture atlas per series and clears it on every redraw, which costs far more than
    // resolving the colours.
    this.seriesRuns = [runsWith, runsWithout, runsEmphasised];
    const series = (
      rows: number[][],
      symbolSize: number,
      itemStyle: Scatter3DSeries['itemStyle'],
    ): Scatter3DSeries => ({
      type: 'scatter3D',
      data: rows,
      symbolSize,
      itemStyle,
      emphasis: { itemStyle: { color: theme.accent } },
    });
    const allSeries: Scatter3DSeries[] = [
      series(withMetric, size, { opacity: faded }),
      series(without, size, { opacity: faded, color: theme.noMetric }),
      series(emphasised, size * 1.8, { opacity: 1, borderWidth: 1.5, borderColor: theme.fg }),
    ];
    const lineColor = withAlpha(theme.line, 1);
    return {
      animation: false,
      textStyle: textStyle(theme),
      tooltip: tooltipBase(theme, (params: unknown) => this.tooltip(params)),
      ...(extent === null ? {} : { visualMap: metricVisualMap(theme, data.goal, extent, 3, [0, 2], height) }),
      grid3D: {
        left: 0,
        right: extent === null ? 0 : 70,
        top: 0,
        bottom: 0,
        boxWidth: 100,
        boxHeight: 80,
        boxDepth: 100,
        environment: 'none',
        postEffect: { enable: false },
        temporalSuperSampling: { enable: false },
        axisLine: { lineStyle: { color: lineColor, width: 1.5 } },
        axisTick: { lineStyle: { color: lineColor } },
        splitLine: { lineStyle: { color: withAlpha(theme.line, 0.55), width: 1 } },
        axisPointer: {
          lineStyle: { color: theme.accent },
          label: { textStyle: { color: theme.fg, backgroundColor: theme.bg } },
        },
        viewControl: {
          ...this.camera,
          autoRotate: false,
          rotateSensitivity: 1.5,
          zoomSensitivity: 1,
          panSensitivity: 1,
          damping: 0.8,
        },
      },
      xAxis3D: axisOption(x, theme),
      yAxis3D: axisOption(y, theme),
      zAxis3D: axisOption(z, theme),
      series: allSeries,
    };
  }

  private runAt(params: unknown): ChartRun | undefined {
    return entryAt(this.seriesRuns, params);
  }

  private tooltip(params: unknown): HTMLElement | string {
    return pointTooltip(params, this.runAt(params), this.data);
  }
}

export function createScatter3D(container: HTMLElement, options: Scatter3DOptions = {}): Scatter3DChart {
  return new Scatter3DImpl(container, options);
}
