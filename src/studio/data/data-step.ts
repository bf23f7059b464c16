import type {
  ColumnProfile,
  DataProgress,
  LoadedDataset,
  DatasetSummary,
  ImagePreparationSpec,
  PreparationSpec,
  TableProfile,
  TaskKind,
} from '../engine.js';
import {
  IMAGE_SIDE,
  parseImagePreparationSpec,
  parsePreparationSpec,
  preparationSpec,
  suggestTask,
} from '../engine.js';
import { announce, formatValue, h, replaceChildren, uid } from '../dom.js';
import { classBalance, histogram } from './data-charts.js';
import { type PickedData, pickedFromDrop, pickedFromInput, pickedName } from './picked-data.js';
import { emptyShare, formatBytes, suggestTarget } from './suggest.js';

/**
 * What the Data step asks of the engine (wired in pages/builder-page.ts from DATA-CORE's data
 * client and dataset store). Injected, so the step draws and the engine computes.
 */
export interface DataStepActions {
  /** Parses and profiles off the page thread, then stores; rejects with the reader's message, storing nothing. */
  load(picked: PickedData, progress: (p: DataProgress) => void, signal: AbortSignal): Promise<LoadedDataset>;
  /** Profiles a dataset already stored in this workspace. */
  open(id: string, progress: (p: DataProgress) => void, signal: AbortSignal): Promise<LoadedDataset>;
  list(): Promise<DatasetSummary[]>;
}

/** What the person chose: the dataset and its preparation, as the sweep's data binding holds it. */
export type DataChoice =
  | {
      readonly kind: 'table';
      readonly dataset: DatasetSummary;
      readonly preparation: PreparationSpec;
      /** The task changed (or the dataset did): the builder loads the matching template anew. */
      readonly templateChanged: boolean;
    }
  | {
      readonly kind: 'images';
      readonly dataset: DatasetSummary;
      readonly preparation: ImagePreparationSpec;
      readonly templateChanged: boolean;
    };

export interface DataStepOptions {
  readonly actions: DataStepActions;
  readonly onChoose: (choice: DataChoice | null) => void;
}

const PREVIEW_ROWS = 8;
/** Sides offered for resizing: small first, since every image is decoded and trained at this size. */
const IMAGE_SIZES = [16, 24, 32, 48, 64, 96, 128].filter((side) => side >= IMAGE_SIDE.min && side <= IMAGE_SIDE.max);
const FILE_ACCEPT = '.csv,.tsv,.tab,.txt,.json,text/csv,text/tab-separated-values,application/json';

type StepState =
  | { readonly kind: 'empty' }
  | { readonly kind: 'loading'; readonly name: string; readonly controller: AbortController }
  | {
      readonly kind: 'table';
      readonly loaded: Extract<LoadedDataset, { kind: 'table' }>;
      readonly spec: PreparationSpec;
    }
  | {
      readonly kind: 'images';
      readonly loaded: Extract<LoadedDataset, { kind: 'images' }>;
      readonly spec: ImagePreparationSpec;
    };

/**
 * The builder's first step for a person without code: pick or drop a table or an image folder,
 * see what was read (rows, columns, the type and empty share of each column, the first rows),
 * choose the target, the task and the preparation, and see the class balance or the target's
 * histogram. Reading happens in the data worker; this step only draws its answers.
 */
export class DataStep {
  readonly element: HTMLElement;
  private readonly dropZone: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly error: HTMLElement;
  private readonly stored: HTMLSelectElement;
  private readonly body: HTMLElement;
  private state: StepState = { kind: 'empty' };

  constructor(private readonly options: DataStepOptions) {
    const fileInput = h('input', {
      attrs: { type: 'file', accept: FILE_ACCEPT, id: uid('data-file'), 'data-testid': 'data-file' },
      className: 'visually-hidden',
    });
    const folderInput = h('input', {
      attrs: {
        type: 'file',
        id: uid('data-folder'),
        'data-testid': 'data-folder',
        webkitdirectory: true,
        multiple: true,
      },
      className: 'visually-hidden',
    });
    fileInput.addEventListener('change', () => {
      const picked = fileInput.files === null ? null : pickedFromInput(fileInput.files, false);
      fileInput.value = '';
      if (picked !== null) void this.read(picked);
    });
    folderInput.addEventListener('change', () => {
      const picked = folderInput.files === null ? null : pickedFromInput(folderInput.files, true);
      folderInput.value = '';
      if (picked !== null) void this.read(picked);
    });
    this.error = h('p', { className: 'field-error data-error', attrs: { role: 'alert', 'data-testid': 'data-error' } });
    this.progress = h('div', {
      className: 'data-progress',
      attrs: { 'data-testid': 'data-progress', 'aria-live': 'polite' },
    });
    this.dropZone = h(
      'div',
      { className: 'drop-zone', attrs: { 'data-testid': 'data-drop' } },
      h('p', { className: 'drop-title', text: 'Drop a CSV, TSV or JSON file here, or a folder of images' }),
      h('p', {
        className: 'muted',
        text: 'Images: one sub-folder per class (PNG or JPEG). Nothing is uploaded: the file is read in this browser and stored here.',
      }),
      h(
        'div',
        { className: 'row' },
        h('label', { className: 'button', attrs: { for: fileInput.id } }, 'Pick a file'),
        fileInput,
        h('label', { className: 'button', attrs: { for: folderInput.id } }, 'Pick an image folder'),
        folderInput,
      ),
    );
    this.dropZone.addEventListener('dragover', (event) => {
      event.preventDefault();
      this.dropZone.classList.add('dragging');
    });
    this.dropZone.addEventListener('dragleave', () => this.dropZone.classList.remove('dragging'));
    this.dropZone.addEventListener('drop', (event) => {
      event.preventDefault();
      this.dropZone.classList.remove('dragging');
      if (event.dataTransfer === null) return;
      // The transfer's entries must be taken now; walking the folder goes on after the event.
      const picking = pickedFromDrop(event.dataTransfer);
      void picking.then(
        (picked) => (picked === null ? undefined : this.read(picked)),
        (error: unknown) => this.fail(error),
      );
    });
    this.stored = h('select', { attrs: { id: uid('stored'), 'data-testid': 'stored-datasets' } });
    this.stored.addEventListener('change', () => {
      const id = this.stored.value;
      if (id !== '') void this.reopen(id);
    });
    this.body = h('div', { className: 'data-body', attrs: { 'data-testid': 'data-preview' } });
    this.element = h(
      'fieldset',
      { className: 'data-step', attrs: { 'data-testid': 'data-step' } },
      h('legend', { text: 'Your data (no code needed)' }),
      this.dropZone,
      h(
        'p',
        { className: 'stored-row' },
        h('label', { attrs: { for: this.stored.id }, text: 'Or a dataset stored in this browser: ' }),
        this.stored,
      ),
      this.progress,
      this.error,
      this.body,
    );
    void this.refreshStored();
  }

  /** Fills the list of stored datasets (after a store, a delete elsewhere, or at start). */
  async refreshStored(selected?: string): Promise<void> {
    let list: DatasetSummary[];
    try {
      list = await this.options.actions.list();
    } catch (error) {
      this.fail(error);
      return;
    }
    replaceChildren(
      this.stored,
      h('option', { attrs: { value: '' }, text: list.length === 0 ? 'none stored yet' : 'choose…' }),
      ...list.map((d) =>
        h('option', { attrs: { value: d.id, selected: d.id === selected }, text: `${d.name} (${describeSize(d)})` }),
      ),
    );
    this.stored.disabled = list.length === 0;
  }

  /**
   * Opens a stored dataset by id. With `given` (a spec loaded from a link, a file or an earlier
   * sweep that names the dataset), its preparation is shown as it is and the form keeps its
   * search space; without, the choice starts from the suggestions and fills in the template.
   */
  reopen(id: string, given?: PreparationSpec | ImagePreparationSpec): Promise<void> {
    return this.run(`stored dataset`, (progress, signal) => this.options.actions.open(id, progress, signal), given);
  }

  private read(picked: PickedData): Promise<void> {
    return this.run(pickedName(picked), (progress, signal) => this.options.actions.load(picked, progress, signal));
  }

  private async run(
    name: string,
    work: (progress: (p: DataProgress) => void, signal: AbortSignal) => Promise<LoadedDataset>,
    given?: PreparationSpec | ImagePreparationSpec,
  ): Promise<void> {
    if (this.state.kind === 'loading') this.state.controller.abort();
    const controller = new AbortController();
    this.state = { kind: 'loading', name, controller };
    this.error.textContent = '';
    replaceChildren(this.body);
    const bar = h('progress', { attrs: { max: 1, 'aria-label': `Reading ${name}` } });
    const label = h('span', { text: `Reading ${name}…` });
    const cancel = h('button', {
      attrs: { type: 'button', 'data-action': 'cancel-read' },
      className: 'small',
      text: 'Cancel',
      on: { click: () => controller.abort() },
    });
    replaceChildren(this.progress, bar, ' ', label, ' ', cancel);
    try {
      const loaded = await work((p) => {
        if (p.fraction === null) bar.removeAttribute('value');
        else bar.value = p.fraction;
        label.textContent = `${name}: ${p.phase}${p.fraction === null ? '' : ` (${Math.round(p.fraction * 100)} %)`}`;
      }, controller.signal);
      if (controller.signal.aborted) return;
      replaceChildren(this.progress);
      this.show(loaded, given);
      void this.refreshStored(loaded.summary.id);
      announce(`Read ${loaded.summary.name}: ${describeSize(loaded.summary)}`);
    } catch (error) {
      if (this.state.kind === 'loading' && this.state.controller !== controller) return;
      replaceChildren(this.progress);
      this.state = { kind: 'empty' };
      this.options.onChoose(null);
      if (controller.signal.aborted) this.error.textContent = `Stopped reading ${name}; nothing was stored.`;
      else this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.error.textContent = error instanceof Error ? error.message : String(error);
    announce('The data could not be read');
  }

  private show(loaded: LoadedDataset, given?: PreparationSpec | ImagePreparationSpec): void {
    if (given !== undefined) {
      if (loaded.kind === 'images' && isImageSpec(given)) this.state = { kind: 'images', loaded, spec: given };
      else if (loaded.kind === 'table' && !isImageSpec(given)) this.state = { kind: 'table', loaded, spec: given };
      else {
        this.state = { kind: 'empty' };
        this.error.textContent = `${loaded.summary.name} is ${loaded.kind === 'images' ? 'an image folder' : 'a table'}, but the sweep prepares it as ${loaded.kind === 'images' ? 'a table' : 'images'}; pick the data again.`;
        this.options.onChoose(null);
        return;
      }
      this.draw();
      this.emit(false);
      return;
    }
    if (loaded.kind === 'images') {
      const spec = parseImagePreparationSpec({ kind: 'images' });
      this.state = { kind: 'images', loaded, spec };
    } else {
      const target = suggestTarget(loaded.profile);
      if (target === undefined) {
        this.state = { kind: 'empty' };
        this.options.onChoose(null);
        this.error.textContent = `${loaded.summary.name} has no numeric or categorical column to predict; every column is text, a date or empty.`;
        return;
      }
      const spec = preparationSpec(target.name, suggestTask(target));
      this.state = { kind: 'table', loaded, spec };
    }
    this.draw();
    this.emit(true);
  }

  private emit(templateChanged: boolean): void {
    const s = this.state;
    if (s.kind === 'table')
      this.options.onChoose({ kind: 'table', dataset: s.loaded.summary, preparation: s.spec, templateChanged });
    else if (s.kind === 'images')
      this.options.onChoose({ kind: 'images', dataset: s.loaded.summary, preparation: s.spec, templateChanged });
  }

  private draw(): void {
    const s = this.state;
    if (s.kind === 'table') replaceChildren(this.body, ...this.tableView(s.loaded, s.spec));
    else if (s.kind === 'images') replaceChildren(this.body, ...this.imageView(s.loaded, s.spec));
    else replaceChildren(this.body);
  }

  private setTableSpec(patch: Partial<PreparationSpec>, redraw: boolean, templateChanged = false): void {
    if (this.state.kind !== 'table') return;
    this.state = { ...this.state, spec: { ...this.state.spec, ...patch } };
    if (redraw) this.draw();
    this.emit(templateChanged);
  }

  private tableView(loaded: Extract<LoadedDataset, { kind: 'table' }>, spec: PreparationSpec): HTMLElement[] {
    const { profile, summary } = loaded;
    const target = profile.columns.find((c) => c.name === spec.target);
    const suggested = suggestTarget(profile)?.name;
    const targetSelect = h('select', { attrs: { id: uid('target'), 'data-testid': 'data-target' } });
    for (const column of profile.columns) {
      if (column.kind !== 'numeric' && column.kind !== 'categorical') continue;
      targetSelect.append(
        h('option', {
          attrs: { value: column.name, selected: column.name === spec.target },
          text: column.name === suggested ? `${column.name} (suggested)` : column.name,
        }),
      );
    }
    targetSelect.addEventListener('change', () => {
      const column = profile.columns.find((c) => c.name === targetSelect.value);
      if (column === undefined) return;
      const task = suggestTask(column);
      this.setTableSpec(
        { target: column.name, task, drop: spec.drop.filter((d) => d !== column.name) },
        true,
        task !== spec.task,
      );
    });
    const taskSelect = h('select', { attrs: { id: uid('task'), 'data-testid': 'data-task' } });
    const suggestedTask = target === undefined ? undefined : suggestTask(target);
    for (const task of ['classification', 'regression'] as const satisfies readonly TaskKind[]) {
      taskSelect.append(
        h('option', {
          attrs: { value: task, selected: task === spec.task },
          text: task === suggestedTask ? `${task} (suggested)` : task,
        }),
      );
    }
    taskSelect.addEventListener('change', () =>
      this.setTableSpec({ task: taskSelect.value === 'regression' ? 'regression' : 'classification' }, true, true),
    );
    const missing = h('select', { attrs: { id: uid('missing'), 'data-testid': 'data-missing' } });
    for (const [value, text] of [
      ['impute', 'fill in (mean or most frequent value)'],
      ['drop-rows', 'drop the rows'],
    ] as const) {
      missing.append(h('option', { attrs: { value, selected: value === spec.missing }, text }));
    }
    missing.addEventListener('change', () =>
      this.setTableSpec({ missing: missing.value === 'drop-rows' ? 'drop-rows' : 'impute' }, false),
    );
    const categorical = h('select', { attrs: { id: uid('categorical'), 'data-testid': 'data-categorical' } });
    for (const [value, text] of [
      ['one-hot', 'one-hot'],
      ['index', 'index (embedding)'],
    ] as const) {
      categorical.append(h('option', { attrs: { value, selected: value === spec.categorical }, text }));
    }
    categorical.addEventListener('change', () =>
      this.setTableSpec({ categorical: categorical.value === 'index' ? 'index' : 'one-hot' }, false),
    );
    const settingsError = h('p', { className: 'field-error', attrs: { 'data-testid': 'data-settings-error' } });
    const share = numberInput('data-validation', String(spec.validationFraction), '0.05');
    const seed = numberInput('data-seed', String(spec.seed), '1');
    const checkNumbers = (): void => {
      const raw = {
        ...spec,
        ...this.currentSpecOf(),
        validationFraction: Number(share.value),
        seed: Number(seed.value),
      };
      try {
        const checked = parsePreparationSpec(raw);
        settingsError.textContent = '';
        this.setTableSpec({ validationFraction: checked.validationFraction, seed: checked.seed }, false);
      } catch (error) {
        settingsError.textContent = error instanceof Error ? error.message : String(error);
        this.options.onChoose(null);
      }
    };
    share.addEventListener('change', checkNumbers);
    seed.addEventListener('change', checkNumbers);

    const dropped = new Set(spec.drop);
    const columnRows = profile.columns.map((column) => {
      const isTarget = column.name === spec.target;
      const use = h('input', {
        attrs: {
          type: 'checkbox',
          'aria-label': `Use column ${column.name}`,
          'data-use-column': column.name,
          disabled: isTarget || column.kind === 'empty',
        },
      });
      use.checked = !dropped.has(column.name) && column.kind !== 'empty';
      use.addEventListener('change', () => {
        const drop = use.checked ? spec.drop.filter((d) => d !== column.name) : [...spec.drop, column.name];
        this.setTableSpec({ drop }, true);
      });
      return h(
        'tr',
        { attrs: { 'data-column': column.name }, className: isTarget ? 'is-target' : '' },
        h('td', null, use),
        h('th', { attrs: { scope: 'row' }, text: column.name }),
        h('td', { attrs: { 'data-role': 'kind' }, text: isTarget ? `${column.kind} · target` : column.kind }),
        h('td', { className: 'num', attrs: { 'data-role': 'empty' }, text: emptyShare(column, profile.rows) }),
        h('td', { className: 'num', text: String(column.distinct) }),
      );
    });

    const chart = target === undefined ? null : targetChart(target, spec.task, profile.rows);
    return [
      h(
        'p',
        { className: 'data-summary', attrs: { 'data-testid': 'data-summary' } },
        h('strong', { text: summary.name }),
        `: ${profile.rows} rows × ${profile.columns.length} columns, ${formatBytes(summary.bytes)}, stored in this browser (${summary.where === 'opfs' ? 'OPFS' : 'IndexedDB'}).`,
      ),
      h(
        'div',
        { className: 'data-settings' },
        labelled('Target (what to predict)', targetSelect),
        labelled('Task', taskSelect),
        labelled('Missing values', missing),
        labelled('Categorical columns', categorical),
        labelled('Validation share', share),
        labelled('Split seed', seed),
      ),
      settingsError,
      h(
        'div',
        { className: 'data-columns-and-chart' },
        h(
          'div',
          { className: 'table-scroller' },
          h(
            'table',
            { className: 'data-columns', attrs: { 'data-testid': 'data-columns' } },
            h('caption', { text: 'Columns: inferred type and empty share (untick to leave a column out)' }),
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ...['Use', 'Column', 'Type', 'Empty', 'Distinct'].map((t) =>
                  h('th', { attrs: { scope: 'col' }, text: t }),
                ),
              ),
            ),
            h('tbody', null, ...columnRows),
          ),
        ),
        chart,
      ),
      previewTable(profile),
    ];
  }

  /** The spec the step holds now (its latest, since closures in a drawn view may be older). */
  private currentSpecOf(): Partial<PreparationSpec> {
    return this.state.kind === 'table' ? this.state.spec : {};
  }

  private imageView(loaded: Extract<LoadedDataset, { kind: 'images' }>, spec: ImagePreparationSpec): HTMLElement[] {
    const total = loaded.classes.reduce((sum, c) => sum + c.count, 0);
    const size = h('select', { attrs: { id: uid('img-size'), 'data-testid': 'data-image-size' } });
    for (const side of IMAGE_SIZES) {
      size.append(h('option', { attrs: { value: side, selected: side === spec.size[0] }, text: `${side} × ${side}` }));
    }
    size.addEventListener('change', () => {
      if (this.state.kind !== 'images') return;
      const side = Number(size.value);
      this.state = { ...this.state, spec: { ...this.state.spec, size: [side, side] } };
      this.emit(false);
    });
    const share = numberInput('data-validation', String(spec.validationFraction), '0.05');
    const seed = numberInput('data-seed', String(spec.seed), '1');
    const settingsError = h('p', { className: 'field-error', attrs: { 'data-testid': 'data-settings-error' } });
    const check = (): void => {
      if (this.state.kind !== 'images') return;
      try {
        // The same reader as a sweep file's binding, so the message names the field as the CLI would.
        const checked = parseImagePreparationSpec({
          ...this.state.spec,
          validationFraction: Number(share.value),
          seed: Number(seed.value),
        });
        settingsError.textContent = '';
        this.state = { ...this.state, spec: checked };
        this.emit(false);
      } catch (error) {
        settingsError.textContent = error instanceof Error ? error.message : String(error);
        this.options.onChoose(null);
      }
    };
    share.addEventListener('change', check);
    seed.addEventListener('change', check);
    return [
      h(
        'p',
        { className: 'data-summary', attrs: { 'data-testid': 'data-summary' } },
        h('strong', { text: loaded.summary.name }),
        `: ${total} images in ${loaded.classes.length} classes, ${formatBytes(loaded.summary.bytes)}, stored in this browser (${loaded.summary.where === 'opfs' ? 'OPFS' : 'IndexedDB'}).`,
      ),
      h(
        'div',
        { className: 'data-settings' },
        labelled('Image size (resized to)', size),
        labelled('Validation share', share),
        labelled('Split seed', seed),
      ),
      settingsError,
      classBalance(loaded.classes, total, 'Images per class (one sub-folder each)'),
    ];
  }
}

function isImageSpec(spec: PreparationSpec | ImagePreparationSpec): spec is ImagePreparationSpec {
  return 'kind' in spec && spec.kind === 'images';
}

function targetChart(target: ColumnProfile, task: TaskKind, rows: number): HTMLElement | null {
  if (task === 'classification' && target.categories !== undefined)
    return classBalance(target.categories, rows - target.missing, `Class balance of ${target.name}`);
  if (task === 'classification' && target.categories === undefined)
    return h('p', {
      className: 'muted',
      text: `${target.name} has ${target.distinct} distinct values; classification treats each as a class.`,
    });
  if (target.numeric !== undefined) return histogram(target.numeric.histogram, `Histogram of ${target.name}`);
  return null;
}

function previewTable(profile: TableProfile): HTMLElement {
  const rows = profile.preview.slice(0, PREVIEW_ROWS);
  return h(
    'div',
    { className: 'table-scroller data-preview-rows' },
    h(
      'table',
      { attrs: { 'data-testid': 'data-rows' } },
      h('caption', { text: `First ${rows.length} of ${profile.rows} rows` }),
      h(
        'thead',
        null,
        h('tr', null, ...profile.columns.map((c) => h('th', { attrs: { scope: 'col' }, text: c.name }))),
      ),
      h(
        'tbody',
        null,
        ...rows.map((row) =>
          h(
            'tr',
            null,
            ...row.map((cell) => {
              // A CSV's empty field arrives as "", a JSON's as null: both are a missing value.
              const missing = cell === null || (typeof cell === 'string' && cell.trim() === '');
              return h('td', { className: missing ? 'missing' : '', text: missing ? '—' : formatValue(cell) });
            }),
          ),
        ),
      ),
    ),
  );
}

function numberInput(testId: string, value: string, step: string): HTMLInputElement {
  return h('input', {
    attrs: { type: 'number', id: uid(testId), value, step, inputmode: 'decimal', 'data-testid': testId },
    className: 'narrow',
  });
}

function labelled(text: string, control: HTMLInputElement | HTMLSelectElement): HTMLElement {
  return h('span', { className: 'field' }, h('label', { attrs: { for: control.id }, text }), control);
}

function describeSize(summary: DatasetSummary): string {
  return summary.format === 'images'
    ? `${summary.rows} images, ${formatBytes(summary.bytes)}`
    : `${summary.rows} × ${summary.columns}, ${formatBytes(summary.bytes)}`;
}
