import {
  BUILTIN_EXAMPLES,
  type CheckedSweepFile,
  ConfigError,
  defaultModuleEntry,
  type ConfigSummary,
  EXPRESSION_FIELD_LABELS,
  expressionRow,
  HyperDriveConfig,
  type HyperDriveConfigOptions,
  isDataTemplate,
  type ParsedSweepFile,
  parseSweepFile,
  SAMPLING_KINDS,
  SAMPLING_REGISTRY,
  type SpecCheck,
  type SweepFile,
  samplingRow,
  storedModuleLocation,
  storeModuleFiles,
  specConnection,
} from '../engine.js';
import { type Attrs, announce, h, replaceChildren, setAttr, uid } from '../dom.js';
import { BackendReport } from './backend-report.js';
import {
  PARAMETER_FIELDS,
  PARAMETER_TYPES,
  BOOLEAN_POLICY_FIELDS,
  defaultPolicyFields,
  POLICY_FIELD_LABELS,
  POLICY_FIELDS,
  POLICY_ROWS,
  formChangesMessage,
  fromRecord,
  newRowKey,
  parameterSpec,
  toSweepFileInput,
  fromLinkedRecord,
  type BuilderState,
  type ParameterRow,
  type ParameterType,
  type PolicyType,
} from './form-state.js';
import { policyExplanation, samplingExplanation } from '../teach/method-explanation.js';
import { linkedModuleVerdict } from './module-trust.js';
import { describeSweepFile, PRESETS, presetFor } from './presets.js';

/** What the builder hands over when a person starts a sweep. */
export interface BuiltSweep {
  readonly parsed: ParsedSweepFile;
  readonly config: HyperDriveConfig;
  readonly backend: BuilderState['backend'];
}

export interface SweepBuilderOptions {
  readonly initial: BuilderState;
  readonly onStart: (sweep: BuiltSweep) => Promise<void>;
  /**
   * Extra actions on the validated spec (download, share link), rendered under the JSON panel;
   * `spec` checks the form as it is now (in the spec worker) and answers with its spec or null.
   */
  readonly sweepFileActions?: (spec: () => Promise<CheckedSweepFile | null>) => HTMLElement;
  /**
   * Earlier results the sweep starts from (warm start, resumed runs): its fields are added to the
   * config, so `HyperDriveConfig` checks them with the code path's messages. Told to re-validate.
   */
  readonly startFrom?: BuilderStartFrom;
  /**
   * The spec `initial` was filled from (a share link's): the first check names where the form
   * would change it, in `showChanges` (empty text when nowhere).
   */
  readonly loadedFrom?: { readonly spec: SweepFile; readonly showChanges: (text: string) => void };
  /** Drawn between the title and the form, outside it (its inputs never submit): the Data step. */
  readonly before?: HTMLElement;
}

/** A part of the form holding `resumeFrom` / `resumeChildRuns` (see src/studio/steer/start-from.ts). */
export interface BuilderStartFrom {
  readonly element: HTMLElement;
  options(): Pick<HyperDriveConfigOptions, 'resumeFrom' | 'resumeChildRuns'>;
  onChange(listener: () => void): void;
}

const FIELD_LABELS: Readonly<Record<string, string>> = {
  ...EXPRESSION_FIELD_LABELS,
  value: 'value',
  ...POLICY_FIELD_LABELS,
};

const POLICY_LABELS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(POLICY_ROWS).map(([type, row]) => [type, row.label]),
);

const METRIC_SUGGESTIONS = ['val_accuracy', 'val_loss', 'accuracy', 'loss'];
const VALIDATE_AFTER_MS = 120;
/**
 * Work done on the page thread between yields when drawing or checking parameter rows: a
 * space may hold 1000 parameters, and no task may block input for 50 ms (issue 13).
 */
const SLICE_MS = 8;
/**
 * Characters of field text per slice of rows. The slice's script is timed, but the layout of
 * what it added comes in the frame after, and a choice list is shaped whole: five rows of
 * 10,000 values (90 KiB of text each) appended in one 8 ms slice took 61 ms of text shaping
 * in one frame (the profile), so a slice also stops at this much text, and a row over it is
 * drawn alone in a frame of its own.
 */
const SLICE_CHARS = 16 * 1024;
/**
 * Rows always drawn as inputs. Past these, a row far from the view is a placeholder of the
 * same content as text (no form controls), made live as it nears the view and put back once
 * it is far again: Chromium's Autofill re-reads every form control on the page in one task
 * some 100 ms after controls are added, and at 1000 parameters (about 4000 controls) that task
 * took 45-80 ms and ran no script of ours (the trace: autofill_agent.cc
 * ExtractFormsAndNotifyPasswordAutofillAgent). autocomplete="off", a <form> per section and a
 * shadow root do not stop it (measured); fewer controls do: 1000 controls cost about 2 ms.
 */
const LIVE_ROWS = 60;
/** How far outside the view a row is made live: a screenful or two, so scrolling never shows a placeholder. */
const LIVE_MARGIN = '150% 0px';
/** Characters of a row's fields a placeholder shows (a 10,000-value list is not shaped off screen). */
const PLACEHOLDER_CHARS = 160;
/**
 * Spec text longer than this is not kept in the spec box unasked: laying out a textarea of
 * 50,000 values (about 1 MB of indented JSON) takes hundreds of milliseconds in one task.
 */
const SPEC_BOX_MAX_CHARS = 64 * 1024;

/**
 * The spec panel's controls (the spec box, the upload, Apply, the exports and the share link)
 * belong to a small form of their own, through the `form` attribute, while they stay where they
 * are drawn (label, reading and Tab order unchanged). Chromium's Autofill answers a change to a
 * form control (a file picked, the box's text written) by extracting that control's whole form
 * in one task; with the box in the builder's form that was every row's controls, 58 ms at 1000
 * parameters on a quiet machine (the trace: form_submission_tracker.cc FormControlDidChange).
 * None of these controls is part of the sweep the builder's form submits.
 */
let specFormCount = 0;

/** Yields to the event loop (input, paint) before the next slice; a message is not clamped like setTimeout. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Yields until the page has painted (what the last slice added is laid out in that frame, not
 * piled up with the next slices' into one long frame), or 100 ms at most: a hidden tab gets no
 * animation frames.
 */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const go = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(go, 100);
    requestAnimationFrame(() => void nextTask().then(go));
  });
}

/** A drawn parameter row's live elements, so validation never queries the whole form per row. */
interface RowElements {
  readonly row: HTMLElement;
  readonly error: HTMLElement;
  readonly hint: HTMLElement;
}

/**
 * The sweep builder: what to train, the search space (a row per parameter, every expression
 * type, each row validated live), sampling, policy, objective, limits and backend, with the
 * same JSON spec the CLI reads kept in step beside it. Validation is the spec parser's, so a
 * message here reads exactly as it would from `npm run sweep`.
 */
export class SweepBuilder {
  readonly element: HTMLElement;
  private state: BuilderState;
  private readonly form: HTMLFormElement;
  /** The spec box's own form (see specFormCount): its controls sit in the builder's form but belong here. */
  private readonly specForm: HTMLFormElement;
  private readonly summary: HTMLElement;
  private readonly warnings: HTMLElement;
  private readonly startButton: HTMLButtonElement;
  private readonly specText: HTMLTextAreaElement;
  private readonly specError: HTMLElement;
  private readonly backendReport = new BackendReport();
  /** The last check's answer for the form as it is (null while it is invalid). */
  private parsed: CheckedSweepFile | null = null;
  private config: ConfigSummary | null = null;
  /** The check in flight for the latest form (each answer applies only if the form is unchanged). */
  private checking: Promise<void> = Promise.resolve();
  private checkPass = 0;
  /** A spec just loaded into the form, and where to say how the form would change it. */
  private loaded: SweepBuilderOptions['loadedFrom'];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private starting = false;
  /** Bumped by each render and each validation, so a slice of an older pass stops. */
  private renderPass = 0;
  private validationPass = 0;
  private applyPass = 0;
  /** A control to focus once its row is drawn (rows after the first slice arrive later). */
  private pendingFocus: string | undefined;
  private readonly rowElements = new Map<string, RowElements>();
  /** Makes placeholder rows live near the view and live rows placeholders far from it (LIVE_ROWS). */
  private rowObserver: IntersectionObserver | null = null;
  /** Live rows that went far from the view while holding the focus: text again once it leaves. */
  private readonly farRows = new WeakSet<Element>();
  /** Each row's parse message on its own, by row object (rows are replaced on edit). */
  private specInput: Record<string, unknown> | null = null;
  /** The whole spec's problem when it names a parameter row, kept for the row pass. */
  private spaceMark: { readonly key: string; readonly message: string } | null = null;
  private readonly rowParseMessage = new WeakMap<ParameterRow, string>();
  /** Each row's last message shown, applied to the row when it is drawn. */
  private rowMessages = new Map<string, string>();
  /** The spec text is written when the spec panel is open: 50,000 values are costly to lay out. */
  private specTextStale = true;
  /**
   * The person typed or pasted into the spec box since the form last took its text: nothing may
   * overwrite it until it is applied. A check finishing between the paste and the click on Apply
   * (a slow spec worker, the backend report) put the form's spec back and the paste was lost.
   */
  private specTextEdited = false;
  /** The person asked to see a spec over SPEC_BOX_MAX_CHARS in the box (see `largeSpecNote`). */
  private showLargeSpec = false;
  private readonly largeSpecNote: HTMLElement;

  constructor(private readonly options: SweepBuilderOptions) {
    this.state = options.initial;
    this.form = h('form', {
      className: 'builder-form',
      attrs: { novalidate: true, 'aria-describedby': 'builder-summary' },
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.start();
    });
    specFormCount += 1;
    this.specForm = h('form', { attrs: { id: `sweep-spec-form-${specFormCount}`, 'aria-label': 'Sweep spec' } });
    this.specForm.hidden = true;
    // Enter in the share-link box submits the form it belongs to: that is not a sweep start, nor a navigation.
    this.specForm.addEventListener('submit', (event) => event.preventDefault());
    this.summary = h('div', {
      className: 'builder-summary',
      attrs: { id: 'builder-summary', role: 'status', 'aria-live': 'polite' },
    });
    this.warnings = h('ul', { className: 'warnings' });
    this.startButton = h('button', {
      attrs: { type: 'submit', 'data-testid': 'start-sweep' },
      className: 'primary',
      text: 'Start sweep',
    });
    this.specText = h('textarea', {
      attrs: { rows: 18, spellcheck: 'false', 'aria-label': 'Sweep spec (JSON or YAML)', 'data-testid': 'spec-json' },
      className: 'code',
    });
    this.specError = h('p', { className: 'field-error', attrs: { role: 'alert' } });
    // Focus comes before any typing, so the box may still be brought up to date then. Writing
    // the value moves the caret to its end: a selection that covered the whole box (select all,
    // then paste; an empty box counts) must cover the new text too, or the paste is appended to
    // the form's spec and Apply reads the two together.
    this.specText.addEventListener('focus', () => {
      const box = this.specText;
      const whole = box.selectionStart === 0 && box.selectionEnd === box.value.length;
      const before = box.value;
      this.writeSpecText(true);
      if (whole && box.value !== before) box.select();
    });
    this.specText.addEventListener('input', () => {
      this.specTextEdited = true;
    });
    this.largeSpecNote = h('p', { className: 'muted', attrs: { 'data-testid': 'large-spec' } });
    this.largeSpecNote.hidden = true;
    this.element = h(
      'section',
      { className: 'builder', attrs: { 'data-testid': 'sweep-builder', 'aria-labelledby': 'builder-title' } },
      h('h2', { attrs: { id: 'builder-title' }, text: 'New sweep' }),
      options.before,
      this.specForm,
      this.form,
    );
    this.loaded = options.loadedFrom;
    const startFrom = options.startFrom;
    if (startFrom !== undefined) {
      specConnection().setConfigExtras(startFrom.options());
      startFrom.onChange(() => {
        specConnection().setConfigExtras(startFrom.options());
        void this.validateNow();
      });
    }
    this.render();
    this.validateAfterPaint();
    void this.backendReport.detect();
  }

  /** Replaces the form, e.g. with a shared link's spec. */
  load(state: BuilderState): void {
    this.state = state;
    this.render();
    this.validateAfterPaint();
  }

  /**
   * Checks a form just drawn once it is on screen. Posted in the drawing task, the check (the
   * spec copied for the worker, then the worker's parse) ran beside the page's own layout of it:
   * on two cores a share link's drawing task took 66 ms of wall time for 27 ms of its own CPU, the
   * spec worker, V8's compiler threads and the browser taking the cores (the trace's threads).
   */
  private validateAfterPaint(): void {
    const state = this.state;
    void afterPaint().then(() => {
      // An edit meanwhile has its own check on the debounce; a new form, its own call.
      if (this.state === state && this.timer === null) void this.validateNow();
    });
  }

  currentState(): BuilderState {
    return this.state;
  }

  private update(patch: Partial<BuilderState>, rerender = false): void {
    this.state = { ...this.state, ...patch };
    if (rerender) this.render();
    this.scheduleValidation();
  }

  private scheduleValidation(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.validateNow(), VALIDATE_AFTER_MS);
  }

  // ---------------------------------------------------------------------------------------
  // Rendering

  private render(): void {
    const focused =
      document.activeElement instanceof HTMLElement ? document.activeElement.dataset['focusKey'] : undefined;
    if (focused !== undefined) this.pendingFocus = focused;
    this.renderPass += 1;
    this.rowElements.clear();
    this.rowObserver?.disconnect();
    this.rowObserver = null;
    replaceChildren(
      this.form,
      this.trialSection(),
      this.spaceSection(),
      h(
        'div',
        { className: 'builder-grid' },
        this.samplingSection(),
        this.policySection(),
        this.objectiveSection(),
        this.limitsSection(),
      ),
      this.backendSection(),
      this.options.startFrom?.element,
      this.specSection(),
      h('div', { className: 'builder-actions' }, this.summary, this.warnings, this.startButton),
    );
    this.restoreFocus();
  }

  private restoreFocus(): void {
    if (this.pendingFocus === undefined) return;
    const target = this.form.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(this.pendingFocus)}"]`);
    if (target === null) return;
    this.pendingFocus = undefined;
    target.focus();
  }

  /**
   * Draws parameter rows in slices of at most SLICE_MS and SLICE_CHARS, the first at once (a
   * small space is drawn whole before render returns), the rest after yields, so 1000 rows never
   * block input. The first slice may hold no row: a row over SLICE_CHARS then waits for a frame
   * of its own instead of being laid out with the rest of the page in the task that drew it.
   */
  private drawRows(container: HTMLElement): void {
    const pass = this.renderPass;
    const rows = this.state.parameters;
    let next = 0;
    const slice = (first: boolean): boolean => {
      const t0 = performance.now();
      const fragment = document.createDocumentFragment();
      let chars = 0;
      let drawn = 0;
      while (next < rows.length) {
        const row = rows[next] as ParameterRow;
        const weight = rowChars(row);
        const full = chars + weight > SLICE_CHARS;
        // At least one row per later slice; the first may stop before a heavy first row.
        if (drawn > 0 && (full || performance.now() - t0 >= SLICE_MS)) break;
        if (drawn === 0 && first && full) break;
        fragment.append(this.rowAt(row, next));
        chars += weight;
        drawn += 1;
        next += 1;
      }
      container.append(fragment);
      return next < rows.length;
    };
    if (!slice(true)) return;
    void (async () => {
      for (;;) {
        await afterPaint();
        if (pass !== this.renderPass) return;
        const more = slice(false);
        this.restoreFocus();
        if (!more) return;
      }
    })();
  }

  /** The full URL and origin of a module a link or an imported spec names, and the question. */
  private linkedModuleNotice(trial: Extract<BuilderState['trial'], { kind: 'module' }>): HTMLElement {
    const verdict = linkedModuleVerdict(trial.url, location.href);
    if (verdict.kind === 'refused') {
      return h('p', {
        className: 'error',
        attrs: { role: 'alert', 'data-testid': 'linked-module-refused' },
        text: verdict.message,
      });
    }
    const box = h('input', { attrs: { type: 'checkbox', id: uid('trust'), 'data-testid': 'linked-module-confirm' } });
    box.checked = trial.confirmed === true;
    box.addEventListener('change', () => this.update({ trial: { ...trial, confirmed: box.checked } }, true));
    return h(
      'div',
      { className: 'note linked-module', attrs: { 'data-testid': 'linked-module' } },
      h('p', {
        text: 'This sweep’s training module came with the link or file, not from you. It runs as code in this browser (in the trial sandbox):',
      }),
      h('p', { className: 'module-url', attrs: { 'data-testid': 'linked-module-url' }, text: verdict.url }),
      h('p', { attrs: { 'data-testid': 'linked-module-origin' }, text: `Origin: ${verdict.origin}` }),
      h('label', { attrs: { for: box.id } }, box, ' I trust this module; run it when I start the sweep'),
    );
  }

  private trialSection(): HTMLElement {
    const trial = this.state.trial;
    const name = uid('trial');
    const builtin = h('input', {
      attrs: { type: 'radio', name, value: 'builtin', id: `${name}-b`, 'data-focus-key': 'trial-builtin' },
    });
    const module = h('input', {
      attrs: { type: 'radio', name, value: 'module', id: `${name}-m`, 'data-focus-key': 'trial-module' },
    });
    builtin.checked = trial.kind === 'builtin';
    module.checked = trial.kind === 'module';
    builtin.addEventListener('change', () =>
      this.update({ trial: { kind: 'builtin', name: BUILTIN_EXAMPLES[0] ?? 'digits-mlp' } }, true),
    );
    module.addEventListener('change', () => this.update({ trial: { kind: 'module', url: '', label: '' } }, true));

    let detail: HTMLElement;
    if (trial.kind === 'builtin' && isDataTemplate(trial.name)) {
      // A data template trains on the Data step's dataset: no example to pick here.
      detail = h(
        'div',
        { className: 'trial-detail' },
        h('p', {
          attrs: { 'data-testid': 'data-template' },
          text: `${trial.name}: the built-in model for your data (chosen in the Data step above), with its search space below.`,
        }),
      );
    } else if (trial.kind === 'builtin') {
      const select = selectControl(
        {
          id: uid('example'),
          'data-field': 'trial',
          'data-focus-key': 'trial-example',
          'aria-label': 'Which built-in example',
        },
        PRESETS.map((preset) => ({ value: preset.name, text: `${preset.name}: ${preset.title}` })),
        trial.name,
      );
      select.addEventListener('change', () => this.update({ trial: { kind: 'builtin', name: select.value } }, true));
      const preset = presetFor(trial.name);
      detail = h(
        'div',
        { className: 'trial-detail' },
        select,
        h('p', { className: 'muted', attrs: { 'data-testid': 'form-description' }, text: preset?.description ?? '' }),
        h('button', {
          attrs: { type: 'button', 'data-testid': 'use-example', title: preset?.description ?? '' },
          text: 'Use this example’s search space and settings',
          on: {
            click: () => {
              if (preset === undefined) return;
              this.load(fromRecord(preset.spec));
              announce(`Loaded the ${preset.name} example`);
            },
          },
        }),
      );
    } else {
      // A picked module (blob: from before modules were stored, or a stored one) shows no URL to edit.
      const picked = trial.url.startsWith('blob:') || storedModuleLocation(trial.url) !== null;
      const url = h('input', {
        attrs: {
          type: 'url',
          id: uid('module-url'),
          placeholder: '/trials/my-trial.js',
          value: picked ? '' : trial.url,
          'data-field': 'trial',
          'data-focus-key': 'trial-url',
          'aria-label': 'Training module URL',
        },
      });
      url.addEventListener('input', () =>
        this.update({ trial: { kind: 'module', url: url.value.trim(), label: url.value.trim() } }),
      );
      const pickError = h('p', {
        className: 'field-error',
        attrs: { 'data-error-for': 'module-files', role: 'alert' },
      });
      // Several files (a module and the files it imports), or a whole folder: stored together in
      // this origin (src/pool/module-store.ts), so relative imports resolve and a reload can continue.
      const files = h('input', {
        attrs: {
          type: 'file',
          multiple: true,
          accept: '.js,.mjs,.json,.csv,.tsv,.txt,text/javascript',
          'aria-label': 'Pick a training module and the files it imports',
          'data-testid': 'module-files',
        },
      });
      const folder = h('input', {
        attrs: {
          type: 'file',
          webkitdirectory: true,
          'aria-label': 'Pick a folder holding a training module',
          'data-testid': 'module-folder',
        },
      });
      const pick = (list: FileList | null): void => {
        const chosen = [...(list ?? [])];
        if (chosen.length === 0) return;
        void this.storePickedModule(chosen, pickError);
      };
      files.addEventListener('change', () => pick(files.files));
      folder.addEventListener('change', () => pick(folder.files));
      const entry = storedModuleLocation(trial.url);
      detail = h(
        'div',
        { className: 'trial-detail' },
        trial.fromLink === true ? this.linkedModuleNotice(trial) : null,
        h('label', { attrs: { for: url.id }, text: 'ES module URL (default export: train(params, run, env))' }),
        url,
        h('span', { className: 'or', text: 'or pick the module and the files it imports' }),
        files,
        h('span', { className: 'or', text: 'or its folder' }),
        folder,
        picked
          ? h('p', {
              className: 'muted',
              attrs: { 'data-testid': 'module-picked' },
              text:
                entry === null
                  ? `Using the file ${trial.label}`
                  : `Using ${trial.label}, stored in this browser (runs ${entry.path})`,
            })
          : null,
        pickError,
        h('p', { className: 'field-error', attrs: { 'data-error-for': 'trial' } }),
      );
    }
    return h(
      'fieldset',
      { className: 'trial' },
      h('legend', { text: 'What to train' }),
      h(
        'div',
        { className: 'radio-row' },
        builtin,
        h('label', { attrs: { for: builtin.id }, text: 'Built-in example' }),
        module,
        h('label', { attrs: { for: module.id }, text: 'My training module' }),
      ),
      detail,
    );
  }

  /**
   * Stores picked module files in this origin and points the trial at the entry file. The entry
   * is the only script, else main/index/train.js nearest the top, else the first script.
   */
  private async storePickedModule(chosen: readonly File[], error: HTMLElement): Promise<void> {
    error.textContent = '';
    const paths = chosen.map((file) => file.webkitRelativePath || file.name);
    const entry = defaultModuleEntry(paths);
    if (entry === undefined) {
      error.textContent = `None of the picked files is a JavaScript module (.js or .mjs): ${paths.join(', ')}`;
      return;
    }
    try {
      const files = await Promise.all(
        chosen.map(async (file, i) => ({ path: paths[i] ?? file.name, bytes: await file.arrayBuffer() })),
      );
      const stored = await storeModuleFiles(files, entry);
      const label =
        stored.files === 1 ? entry : `${entry} and ${stored.files - 1} more file${stored.files === 2 ? '' : 's'}`;
      this.update({ trial: { kind: 'module', url: stored.url, label } }, true);
      announce(`Stored the training module ${label} in this browser`);
    } catch (failure) {
      error.textContent = `The module could not be stored: ${failure instanceof Error ? failure.message : String(failure)}`;
    }
  }

  private spaceSection(): HTMLElement {
    const rowList = h('div', { className: 'param-rows', attrs: { role: 'list' } });
    this.drawRows(rowList);
    const add = h('button', {
      attrs: { type: 'button', 'data-testid': 'add-parameter' },
      text: 'Add parameter',
      on: {
        click: () => {
          const key = newRowKey();
          this.update(
            {
              parameters: [
                ...this.state.parameters,
                {
                  key,
                  name: `param_${this.state.parameters.length + 1}`,
                  type: 'uniform',
                  fields: { min_value: '0', max_value: '1' },
                },
              ],
            },
            true,
          );
          this.pendingFocus = `${key}-name`;
          this.restoreFocus();
        },
      },
    });
    return h(
      'fieldset',
      { className: 'space', attrs: { 'data-field': 'search_space' } },
      h('legend', { text: 'Search space' }),
      h('p', {
        className: 'muted',
        text: 'loguniform and qloguniform bounds are natural-log exponents (HyperDrive’s convention): min −6.9 means e^−6.9 ≈ 0.001.',
      }),
      rowList,
      h('p', { className: 'field-error', attrs: { 'data-error-for': 'search_space' } }),
      add,
    );
  }

  /** A row as inputs, or past LIVE_ROWS a placeholder the observer makes live (the row being edited stays live). */
  private rowAt(row: ParameterRow, index: number): HTMLElement {
    const editing = this.pendingFocus?.startsWith(`${row.key}-`) === true;
    const element = index < LIVE_ROWS || editing ? this.parameterRow(row, index) : this.placeholderRow(row, index);
    if (index >= LIVE_ROWS) this.observeRow(element);
    return element;
  }

  private observeRow(element: HTMLElement): void {
    if (this.rowObserver === null) {
      const pass = this.renderPass;
      this.rowObserver = new IntersectionObserver((entries) => this.swapRows(entries, pass), {
        rootMargin: LIVE_MARGIN,
      });
    }
    this.rowObserver.observe(element);
  }

  /** Placeholders coming near the view become inputs; inputs far from it (and not being edited) placeholders. */
  private swapRows(entries: readonly IntersectionObserverEntry[], pass: number): void {
    if (pass !== this.renderPass) return;
    for (const entry of entries) {
      const element = entry.target;
      if (!(element instanceof HTMLElement) || !element.isConnected) continue;
      const placeholder = element.classList.contains('param-placeholder');
      if (entry.isIntersecting) this.farRows.delete(element);
      if (placeholder !== entry.isIntersecting) continue;
      if (!placeholder && element.contains(document.activeElement)) {
        this.farRows.add(element);
        continue;
      }
      this.swapRow(element, placeholder);
    }
  }

  private swapRow(element: HTMLElement, toLive: boolean): HTMLElement | null {
    const index = Number(element.dataset['index']);
    const row = this.state.parameters[index];
    if (row === undefined || row.key !== element.dataset['row']) return null;
    const next = toLive ? this.parameterRow(row, index) : this.placeholderRow(row, index);
    this.rowObserver?.unobserve(element);
    this.farRows.delete(element);
    element.replaceWith(next);
    this.rowObserver?.observe(next);
    return next;
  }

  /**
   * The row as text: the same name, type, fields and message, no form control. Focusable, so
   * Tab still walks the rows one by one: focusing it makes it live and focuses its name.
   */
  private placeholderRow(row: ParameterRow, index: number): HTMLElement {
    const fields = PARAMETER_FIELDS[row.type].map((field) => {
      const text = row.fields[field] ?? '';
      const shown = text.length > PLACEHOLDER_CHARS ? `${text.slice(0, PLACEHOLDER_CHARS)}…` : text;
      return h(
        'span',
        { className: 'field' },
        h('span', { className: 'placeholder-label', text: FIELD_LABELS[field] ?? field }),
        h('span', { className: `placeholder-value ${field === 'values' ? 'wide' : 'narrow'}`, text: shown }),
      );
    });
    const error = h('p', { className: 'field-error', attrs: { 'data-row-error': row.key, id: `${row.key}-error` } });
    const hint = h('p', { className: 'hint muted', attrs: { 'data-row-hint': row.key } });
    const element = h(
      'div',
      {
        className: 'param-row param-placeholder',
        attrs: {
          role: 'listitem',
          tabindex: '0',
          'aria-label': `Parameter ${index + 1}: ${row.name}, ${row.type}`,
          'data-row': row.key,
          'data-param': row.name,
          'data-index': String(index),
        },
        on: {
          focus: () => {
            this.pendingFocus = `${row.key}-name`;
            this.swapRow(element, true);
            this.restoreFocus();
          },
        },
      },
      h(
        'span',
        { className: 'field' },
        h('span', { className: 'placeholder-label', text: 'name' }),
        h('span', { className: 'placeholder-value param-name', text: row.name }),
      ),
      h(
        'span',
        { className: 'field' },
        h('span', { className: 'placeholder-label', text: 'type' }),
        h('span', { className: 'placeholder-value', text: row.type }),
      ),
      ...fields,
      hint,
      error,
    );
    const drawn: RowElements = { row: element, error, hint };
    this.rowElements.set(row.key, drawn);
    const message = this.rowMessages.get(row.key);
    if (message !== undefined) showRowMessage(drawn, row, message);
    return element;
  }

  private parameterRow(row: ParameterRow, index: number): HTMLElement {
    const setRow = (patch: Partial<ParameterRow>, rerender = false): void => {
      const parameters = this.state.parameters.map((r) => (r.key === row.key ? { ...r, ...patch } : r));
      this.update({ parameters }, rerender);
    };
    const nameId = uid('pname');
    const name = h('input', {
      attrs: {
        id: nameId,
        value: row.name,
        'data-focus-key': `${row.key}-name`,
        'aria-label': `Parameter ${index + 1} name`,
        autocomplete: 'off',
        spellcheck: 'false',
      },
      className: 'param-name',
    });
    name.addEventListener('input', () => {
      setRow({ name: name.value });
      this.rowElements.get(row.key)?.row.setAttribute('data-param', name.value);
    });
    const type = selectControl(
      { 'aria-label': `Parameter ${index + 1} type`, 'data-focus-key': `${row.key}-type` },
      PARAMETER_TYPES.map((t) => ({ value: t, text: t })),
      row.type,
    );
    type.addEventListener('change', () =>
      setRow({ type: type.value as ParameterType, fields: carryFields(row, type.value as ParameterType) }, true),
    );
    const fields = PARAMETER_FIELDS[row.type].map((field) => {
      const id = uid('pfield');
      const input = h('input', {
        attrs: {
          id,
          value: row.fields[field] ?? '',
          inputmode: field === 'values' || field === 'value' ? 'text' : 'decimal',
          'data-focus-key': `${row.key}-${field}`,
          'data-subfield': field,
          autocomplete: 'off',
          spellcheck: 'false',
        },
        className: field === 'values' ? 'wide' : 'narrow',
      });
      input.addEventListener('input', () => setRow({ fields: { ...this.rowFields(row.key), [field]: input.value } }));
      return h(
        'span',
        { className: 'field' },
        h('label', { attrs: { for: id }, text: FIELD_LABELS[field] ?? field }),
        input,
      );
    });
    const remove = h('button', {
      attrs: { type: 'button', 'aria-label': `Remove parameter ${row.name || index + 1}`, title: 'Remove' },
      className: 'icon',
      text: '✕',
      on: { click: () => this.update({ parameters: this.state.parameters.filter((r) => r.key !== row.key) }, true) },
    });
    const error = h('p', { className: 'field-error', attrs: { 'data-row-error': row.key, id: `${row.key}-error` } });
    const hint = h('p', { className: 'hint muted', attrs: { 'data-row-hint': row.key } });
    const element = h(
      'div',
      {
        className: 'param-row',
        attrs: { role: 'listitem', 'data-row': row.key, 'data-param': row.name, 'data-index': String(index) },
      },
      h('span', { className: 'field' }, h('label', { attrs: { for: nameId }, text: 'name' }), name),
      labelled('type', type),
      ...fields,
      remove,
      hint,
      error,
    );
    if (index >= LIVE_ROWS) {
      element.addEventListener('focusout', () => {
        // Read once focus has landed: moving within the row, or the window losing focus (the
        // input stays the active element), keeps the row's inputs.
        setTimeout(() => {
          if (!this.farRows.has(element) || !element.isConnected) return;
          if (!element.contains(document.activeElement)) this.swapRow(element, false);
        }, 0);
      });
    }
    const drawn: RowElements = { row: element, error, hint };
    this.rowElements.set(row.key, drawn);
    const message = this.rowMessages.get(row.key);
    if (message !== undefined) showRowMessage(drawn, row, message);
    return element;
  }

  private rowFields(key: string): Readonly<Record<string, string>> {
    return this.state.parameters.find((r) => r.key === key)?.fields ?? {};
  }

  private samplingSection(): HTMLElement {
    const s = this.state.sampling;
    const type = selectOf(
      'Sampling',
      SAMPLING_KINDS,
      s.type,
      'sampling_algorithm.type',
      Object.fromEntries(SAMPLING_REGISTRY.map((row) => [row.kind, row.label])),
    );
    type.addEventListener('change', () =>
      this.update({ sampling: { ...this.state.sampling, type: type.value as BuilderState['sampling']['type'] } }, true),
    );
    const parts: HTMLElement[] = [labelled('method', type)];
    if (s.type === 'random') {
      const rules = samplingRow('random').options.find((o) => o.name === 'rule')?.choices ?? {};
      const rule = selectOf('Rule', Object.keys(rules), s.rule, 'sampling_algorithm.rule', rules);
      rule.addEventListener('change', () =>
        this.update({ sampling: { ...this.state.sampling, rule: rule.value as BuilderState['sampling']['rule'] } }),
      );
      const seed = h('input', {
        attrs: {
          value: s.seed,
          inputmode: 'numeric',
          placeholder: 'none',
          'data-field': 'sampling_algorithm.seed',
          'data-focus-key': 'seed',
        },
        className: 'narrow',
      });
      seed.addEventListener('input', () => this.update({ sampling: { ...this.state.sampling, seed: seed.value } }));
      parts.push(labelled('rule', rule), labelled('seed', seed));
    }
    return h(
      'fieldset',
      { className: 'sampling' },
      h('legend', { text: 'Sampling' }),
      ...parts,
      h('p', { className: 'field-error', attrs: { 'data-error-for': 'sampling_algorithm' } }),
      samplingExplanation(s.type),
    );
  }

  private policySection(): HTMLElement {
    const p = this.state.policy;
    const types = Object.keys(POLICY_FIELDS) as PolicyType[];
    const type = selectOf('Early termination', types, p.type, 'early_termination.type', POLICY_LABELS);
    type.addEventListener('change', () =>
      this.update(
        { policy: { type: type.value as PolicyType, fields: defaultPolicyFields(type.value as PolicyType) } },
        true,
      ),
    );
    const fields = POLICY_FIELDS[p.type].map((field) => {
      const path = `early_termination.${field}`;
      if (BOOLEAN_POLICY_FIELDS.has(field)) {
        const box = h('input', { attrs: { type: 'checkbox', 'data-field': path, 'data-focus-key': path } });
        box.checked = p.fields[field] === 'true';
        box.addEventListener('change', () =>
          this.update({
            policy: {
              ...this.state.policy,
              fields: { ...this.state.policy.fields, [field]: box.checked ? 'true' : 'false' },
            },
          }),
        );
        return labelled(FIELD_LABELS[field] ?? field, box);
      }
      const input = h('input', {
        attrs: { value: p.fields[field] ?? '', inputmode: 'decimal', 'data-field': path, 'data-focus-key': path },
        className: 'narrow',
      });
      input.addEventListener('input', () =>
        this.update({
          policy: { ...this.state.policy, fields: { ...this.state.policy.fields, [field]: input.value } },
        }),
      );
      return labelled(FIELD_LABELS[field] ?? field, input);
    });
    return h(
      'fieldset',
      { className: 'policy' },
      h('legend', { text: 'Early termination' }),
      labelled('policy', type),
      ...fields,
      h('p', { className: 'field-error', attrs: { 'data-error-for': 'early_termination' } }),
      policyExplanation(POLICY_ROWS[p.type]),
    );
  }

  private objectiveSection(): HTMLElement {
    const o = this.state.objective;
    const listId = uid('metrics');
    const metric = h('input', {
      attrs: {
        value: o.metric,
        list: listId,
        'data-field': 'objective.primary_metric',
        'data-focus-key': 'metric',
        autocomplete: 'off',
        spellcheck: 'false',
      },
    });
    metric.addEventListener('input', () =>
      this.update({ objective: { ...this.state.objective, metric: metric.value } }),
    );
    const list = h(
      'datalist',
      { attrs: { id: listId } },
      ...METRIC_SUGGESTIONS.map((m) => h('option', { attrs: { value: m } })),
    );
    const goal = selectOf('Goal', ['maximize', 'minimize'], o.goal, 'objective.goal', {
      maximize: 'maximize',
      minimize: 'minimize',
    });
    goal.addEventListener('change', () =>
      this.update({ objective: { ...this.state.objective, goal: goal.value as 'maximize' | 'minimize' } }),
    );
    return h(
      'fieldset',
      { className: 'objective' },
      h('legend', { text: 'Primary metric' }),
      labelled('name', metric),
      list,
      labelled('goal', goal),
      h('p', { className: 'field-error', attrs: { 'data-error-for': 'objective' } }),
    );
  }

  private limitsSection(): HTMLElement {
    const l = this.state.limits;
    const input = (value: string, path: string, key: keyof BuilderState['limits']): HTMLInputElement => {
      const el = h('input', {
        attrs: { value, inputmode: 'numeric', 'data-field': path, 'data-focus-key': path },
        className: 'narrow',
      });
      el.addEventListener('input', () => this.update({ limits: { ...this.state.limits, [key]: el.value } }));
      return el;
    };
    return h(
      'fieldset',
      { className: 'limits' },
      h('legend', { text: 'Limits' }),
      labelled('max total runs (1–1000)', input(l.maxTotal, 'limits.max_total_trials', 'maxTotal')),
      labelled('max concurrent runs (1–100)', input(l.maxConcurrent, 'limits.max_concurrent_trials', 'maxConcurrent')),
      labelled('max duration (minutes)', input(l.timeoutMinutes, 'limits.timeout', 'timeoutMinutes')),
      labelled('trial timeout (s)', input(l.trialTimeoutSeconds, 'limits.trial_timeout', 'trialTimeoutSeconds')),
      h('p', { className: 'field-error', attrs: { 'data-error-for': 'limits' } }),
    );
  }

  private backendSection(): HTMLElement {
    const backend = selectOf('Backend', ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'], this.state.backend, 'backend', {
      auto: 'auto: measure each and pick the fastest',
      webgpu: 'WebGPU',
      webgl: 'WebGL',
      wasm: 'WebAssembly (CPU)',
      cpu: 'plain JavaScript (CPU)',
    });
    backend.addEventListener('change', () => {
      this.update({ backend: backend.value as BuilderState['backend'] });
      this.backendReport.setRequested(backend.value);
    });
    this.backendReport.setRequested(this.state.backend);
    return h(
      'fieldset',
      { className: 'backend' },
      h('legend', { text: 'Compute backend' }),
      labelled('TF.js backend in the workers', backend),
      this.backendReport.element,
    );
  }

  private specSection(): HTMLElement {
    const apply = h('button', {
      attrs: { type: 'button', 'data-testid': 'apply-spec' },
      text: 'Apply JSON to the form',
      on: { click: () => void this.applySweepFileText(this.specText.value, 'the JSON above') },
    });
    const upload = h('input', {
      attrs: {
        type: 'file',
        accept: '.json,application/json,.yaml,.yml',
        'aria-label': 'Upload a sweep spec file',
        'data-testid': 'upload-spec',
      },
    });
    upload.addEventListener('change', () => {
      const file = upload.files?.[0];
      if (file === undefined) return;
      void file.text().then((text) => {
        // A large file is read into the form only: the box would take its layout in one long task.
        this.specText.value = text.length > SPEC_BOX_MAX_CHARS ? '' : text;
        void this.applySweepFileText(text, file.name);
      });
    });
    const summary = h('summary', { text: 'Sweep spec: JSON or YAML, Overdrive’s or an Azure ML v2 sweep job' });
    const details = h(
      'details',
      { className: 'spec-panel' },
      summary,
      h('p', {
        className: 'muted',
        text: 'Edit or paste a spec here (the format `npm run sweep` reads), or upload a file, then apply it to the form. The form keeps this text up to date as JSON.',
      }),
      this.specText,
      this.largeSpecNote,
      this.specError,
      h('div', { className: 'row' }, apply, h('label', null, 'Upload: ', upload)),
      // Validated now, not on the debounce: "Copy share link" pressed right after typing must
      // carry what was typed, not the spec of a moment ago.
      this.options.sweepFileActions?.(async () => {
        await this.validateNow();
        return this.parsed;
      }) ?? null,
    );
    // 'toggle' comes a task after the click that opens the panel: a click straight into the box
    // (or a script's focus) could land before it, on a box still empty. The click writes it first.
    summary.addEventListener('click', () => {
      if (!details.open) this.writeSpecText();
    });
    details.addEventListener('toggle', () => {
      if (details.open) this.writeSpecText();
    });
    this.ownSpecControls(details);
    return details;
  }

  /**
   * Parses spec text (JSON; YAML when the file says so) and fills the form, or says where it is
   * wrong. The text is read in the spec worker; drawing the form and checking it run as
   * separate tasks after it: on the page's thread together they block input for seconds on a
   * 50,000-value spec.
   */
  async applySweepFileText(text: string, source: string): Promise<void> {
    this.applyPass += 1;
    const pass = this.applyPass;
    const failed = (error: unknown): void => {
      this.specError.textContent = error instanceof Error ? error.message : String(error);
      announce('The spec has an error');
    };
    const trial = this.state.trial;
    let parsed: CheckedSweepFile;
    try {
      // An Azure job's trial is a command the browser cannot run: the form's trial stands in for it.
      parsed = await specConnection().parseText(text, {
        source,
        builtinTrials: BUILTIN_EXAMPLES,
        trial: trial.kind === 'builtin' ? trial.name : { module: trial.url },
      });
    } catch (error) {
      if (pass === this.applyPass) failed(error);
      return;
    }
    if (pass !== this.applyPass) return;
    let state: BuilderState;
    try {
      // The form's own trial stands in for an Azure job's: only a module the spec names is foreign.
      const foreign =
        parsed.spec.trial !== undefined &&
        'module' in parsed.spec.trial &&
        parsed.spec.trial.module !== moduleUrlOf(this.state.trial);
      state = foreign ? fromLinkedRecord(parsed.spec) : fromRecord(parsed.spec);
    } catch (error) {
      failed(error);
      return;
    }
    // Filling the form from the spec and drawing it are tasks of their own (1,000 rows).
    await nextTask();
    if (pass !== this.applyPass) return;
    // "Show it here anyway" was asked for the spec before this one.
    this.showLargeSpec = false;
    // The form holds the text now: the box follows the form again.
    this.specTextEdited = false;
    // Pasted text over the box's limit leaves the box once the form holds it (as an uploaded
    // file's never enters it): the form is drawn anew below, and the box moving with it laid out
    // 483 KiB of text in the same task (350 ms of layout at 50,000 values, the profile).
    // writeSpecText then shows the large-spec note, which offers the form's JSON.
    if (this.specText.value.length > SPEC_BOX_MAX_CHARS) this.specText.value = '';
    const warnings = parsed.warnings.map((w) => `${w.field}: ${w.message}`).join('\n');
    this.specError.textContent = warnings;
    // Where the form would change the spec comes with the first check of the filled form.
    this.loaded = {
      spec: parsed.spec,
      showChanges: (changes) => {
        if (pass === this.applyPass)
          this.specError.textContent = [warnings, changes].filter((l) => l !== '').join('\n');
      },
    };
    this.state = state;
    this.render();
    announce(`Loaded the ${parsed.origin === 'azure' ? 'Azure ML sweep job' : 'spec'} from ${source}`);
    await nextTask();
    if (this.state === state) await this.validateNow();
  }

  // ---------------------------------------------------------------------------------------
  // Validation

  /**
   * Checks the whole form in the spec worker (the parser and the config, as `npm run sweep`
   * would) and shows the answer, unless the form changed meanwhile (its own check follows).
   */
  private validateNow(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const state = this.state;
    const input = toSweepFileInput(state);
    this.specInput = input;
    this.specTextStale = true;
    // In a task of its own: stringifying and laying out a 483 KiB spec is not added to another's.
    if (this.specPanelOpen()) void nextTask().then(() => this.writeSpecText());
    this.checkPass += 1;
    const pass = this.checkPass;
    const loaded = this.loaded;
    this.loaded = undefined;
    this.checking = specConnection()
      .check(input, { builtinTrials: BUILTIN_EXAMPLES }, loaded?.spec)
      .then(
        (check) => {
          loaded?.showChanges(formChangesMessage(check.changes));
          if (pass === this.checkPass && this.state === state) this.showCheck(check);
        },
        (error: unknown) => {
          if (pass !== this.checkPass || this.state !== state) return;
          this.showCheck({
            kind: 'invalid',
            error: error instanceof Error ? error : new Error(String(error)),
            changes: [],
          });
        },
      );
    return this.checking;
  }

  private showCheck(check: SpecCheck): void {
    // Row inputs are left to the row pass (which sets or clears each one): clearing them here
    // would restyle every row of a 1000-parameter form on each keystroke.
    // Section by section, never through the rows: two selector walks over a 1000-row form took
    // 10-20 ms of each check's answer (the profile).
    for (const section of this.form.children) {
      if (section.classList.contains('space')) {
        section.removeAttribute('aria-invalid');
        for (const slot of section.querySelectorAll<HTMLElement>(':scope > [data-error-for]')) slot.textContent = '';
        continue;
      }
      for (const el of section.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
      for (const slot of section.querySelectorAll<HTMLElement>('[data-error-for]')) slot.textContent = '';
    }
    this.spaceMark = null;
    this.parsed = check.kind === 'valid' ? check.parsed : null;
    this.config = check.kind === 'valid' ? check.config : null;
    let problem: Error | null = check.kind === 'invalid' ? check.error : null;
    replaceChildren(this.warnings, ...(this.config?.warnings ?? []).map((w) => h('li', { text: w })));
    const trial = this.state.trial;
    if (problem === null && trial.kind === 'module' && trial.fromLink === true) {
      const verdict = linkedModuleVerdict(trial.url, location.href);
      if (verdict.kind === 'refused') problem = new ConfigError('trial.module', 'refused', trial.url, verdict.message);
      else if (trial.confirmed !== true) {
        problem = new ConfigError(
          'trial.module',
          'needs your confirmation',
          trial.url,
          `trial.module: confirm that you trust ${verdict.url} (origin ${verdict.origin}) before it runs`,
        );
      }
    }
    const field = problem instanceof ConfigError ? problem.field : null;
    if (problem !== null && field !== null) this.markField(field, problem.message);
    // The whole space parsed, so each row alone does too: no second parse of 50,000 values.
    if (check.kind === 'valid') for (const row of this.state.parameters) this.rowParseMessage.set(row, '');
    void this.validateRows();
    if (problem === null) {
      this.describeForm();
      const c = this.config;
      replaceChildren(
        this.summary,
        h('p', {
          className: 'ok',
          text:
            c === null
              ? ''
              : `Ready: up to ${c.maxTotalRuns} runs, ${c.maxConcurrentRuns} at a time, ${c.samplingKind} sampling, ${c.policyKind} policy${c.trialTimeoutSeconds === undefined ? '' : `, each run stopped after ${c.trialTimeoutSeconds} s`}.`,
        }),
      );
      this.startButton.disabled = this.starting;
      return;
    }
    this.startButton.disabled = true;
    replaceChildren(
      this.summary,
      h('p', { className: 'error', attrs: { 'data-testid': 'builder-error' }, text: problem.message }),
    );
  }

  /** The built-in example's description, written from what the form holds now (the demo's 6 epochs, not the example's 8). */
  private describeForm(): void {
    const trial = this.state.trial;
    const slot = this.form.querySelector<HTMLElement>('[data-testid="form-description"]');
    const preset = trial.kind === 'builtin' ? presetFor(trial.name) : undefined;
    if (slot === null || preset === undefined || this.parsed === null) return;
    slot.textContent = describeSweepFile(preset.title, this.parsed.spec);
  }

  /** Hands the spec panel's controls (box, upload, apply, exports, link) to the spec's own form (see specFormCount). */
  private ownSpecControls(panel: HTMLElement): void {
    for (const control of panel.querySelectorAll('input, textarea, button, select'))
      control.setAttribute('form', this.specForm.id);
  }

  private specPanelOpen(): boolean {
    return this.specText.closest('details')?.open === true;
  }

  /** Puts the form's spec into the spec box, unless the person is editing it there. */
  private writeSpecText(focusing = false): void {
    if (!this.specTextStale || this.specInput === null || this.specTextEdited) return;
    if (!focusing && document.activeElement === this.specText) return;
    const text = JSON.stringify(this.specInput, null, 2);
    this.specTextStale = false;
    const large = text.length > SPEC_BOX_MAX_CHARS && !this.showLargeSpec;
    this.largeSpecNote.hidden = !large;
    if (large) {
      if (this.specText.value !== '') this.specText.value = '';
      replaceChildren(
        this.largeSpecNote,
        `The spec is ${Math.round(text.length / 1024)} KiB of JSON, too large to keep in this box without pausing the page. Download it (Download spec), or `,
        h('button', {
          attrs: { type: 'button', 'data-testid': 'show-large-spec' },
          text: 'show it here anyway',
          on: {
            click: () => {
              this.showLargeSpec = true;
              this.specTextStale = true;
              this.writeSpecText(true);
            },
          },
        }),
        '.',
      );
      this.ownSpecControls(this.largeSpecNote);
      return;
    }
    // The same text again (a check that changed nothing) is not laid out again.
    if (this.specText.value !== text) this.specText.value = text;
  }

  /**
   * Each parameter on its own, so every broken row says so at once, not only the first. Done in
   * slices between yields, and a row's parse is kept until the row changes, so a keystroke in a
   * 1000-parameter form checks one row, not 1000.
   */
  private async validateRows(): Promise<void> {
    this.validationPass += 1;
    const pass = this.validationPass;
    const rows = this.state.parameters;
    const names = new Map<string, string>();
    const messages = new Map<string, string>();
    let t0 = performance.now();
    for (const row of rows) {
      if (performance.now() - t0 > SLICE_MS) {
        await nextTask();
        if (pass !== this.validationPass) return;
        t0 = performance.now();
      }
      const stripped = row.name.replace(/^-+/, '');
      const other = names.get(stripped);
      names.set(stripped, row.name);
      const own =
        other !== undefined
          ? `"${row.name}" and "${other}" are the same parameter once leading dashes are stripped`
          : this.rowParse(row);
      // A rule over the whole space (grid needs choices, values in all) lands on the row it names.
      const message = own === '' && this.spaceMark?.key === row.key ? this.spaceMark.message : own;
      messages.set(row.key, message);
      const drawn = this.rowElements.get(row.key);
      if (drawn !== undefined) showRowMessage(drawn, row, message);
    }
    this.rowMessages = messages;
  }

  private rowParse(row: ParameterRow): string {
    const known = this.rowParseMessage.get(row);
    if (known !== undefined) return known;
    let message = '';
    try {
      // Alone in an otherwise valid spec, the only thing that can be wrong is this row.
      parseSweepFile(
        {
          trial: 'spiral',
          search_space: { [row.name]: parameterSpec(row) },
          sampling_algorithm: 'random',
          objective: { primary_metric: 'm', goal: 'maximize' },
        },
        { builtinTrials: BUILTIN_EXAMPLES },
      );
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    this.rowParseMessage.set(row, message);
    return message;
  }

  /** Puts the parser's message next to the field it names (the nearest one shown). */
  private markField(field: string, message: string): void {
    const space = /^search_space\.([^.[]+)(?:\.(\w+))?/.exec(field);
    if (space !== null) {
      const key = this.state.parameters.find((r) => r.name === space[1])?.key;
      const row = key === undefined ? undefined : this.rowElements.get(key)?.row;
      if (key !== undefined) this.spaceMark = { key, message };
      if (row !== undefined) {
        const sub = space[2] === undefined ? null : row.querySelector(`[data-subfield="${space[2]}"]`);
        (sub ?? row.querySelector('input'))?.setAttribute('aria-invalid', 'true');
        const error = row.querySelector('[data-row-error]');
        if (error !== null && error.textContent === '') error.textContent = message;
        return;
      }
    }
    let path = field;
    for (;;) {
      const input = this.form.querySelector<HTMLElement>(`[data-field="${CSS.escape(path)}"]`);
      if (input !== null) {
        input.setAttribute('aria-invalid', 'true');
        const section = input.closest('fieldset');
        const slot = section?.querySelector<HTMLElement>('[data-error-for]');
        if (slot !== null && slot !== undefined) slot.textContent = message;
        return;
      }
      const cut = path.lastIndexOf('.');
      if (cut <= 0) return;
      path = path.slice(0, cut);
    }
  }

  private async start(): Promise<void> {
    if (this.starting) return;
    await this.validateNow();
    if (this.parsed === null || this.config === null || this.starting || this.specInput === null) {
      this.summary.querySelector<HTMLElement>('.error')?.focus();
      return;
    }
    this.starting = true;
    this.startButton.disabled = true;
    this.startButton.textContent = 'Starting…';
    try {
      // The sweep runs on this page, so its config (classes: the space, sampler, policy) is built
      // here, once, from the spec the worker has just accepted.
      const parsed = parseSweepFile(this.specInput, { builtinTrials: BUILTIN_EXAMPLES });
      const config = new HyperDriveConfig({ ...parsed.hyperDriveConfigOptions, ...this.options.startFrom?.options() });
      await this.options.onStart({ parsed, config, backend: this.state.backend });
    } catch (error) {
      replaceChildren(
        this.summary,
        h('p', {
          className: 'error',
          attrs: { role: 'alert' },
          text: `Could not start the sweep: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
    } finally {
      this.starting = false;
      this.startButton.textContent = 'Start sweep';
      this.startButton.disabled = this.parsed === null;
    }
  }
}

/** A row's message (or its range hint when it has none), touching only what changed. */
/** How much text a row lays out: its choice list or bounds, as typed. */
function rowChars(row: ParameterRow): number {
  let chars = row.name.length;
  for (const text of Object.values(row.fields)) chars += text.length;
  return chars;
}

function showRowMessage(drawn: RowElements, row: ParameterRow, message: string): void {
  if (drawn.error.textContent !== message) drawn.error.textContent = message;
  const hint = message === '' ? rangeHint(row) : '';
  if (drawn.hint.textContent !== hint) drawn.hint.textContent = hint;
  for (const input of drawn.row.querySelectorAll('input, select')) {
    if (message === '') {
      if (input.hasAttribute('aria-invalid')) input.removeAttribute('aria-invalid');
    } else {
      if (input.getAttribute('aria-invalid') !== 'true') input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', `${row.key}-error`);
    }
  }
}

function selectOf(
  label: string,
  values: readonly string[],
  current: string,
  field: string,
  labels: Readonly<Record<string, string>>,
): HTMLSelectElement {
  // Named by the <label> that `labelled` puts beside it; `label` is its title for pointer users.
  return selectControl(
    { 'data-field': field, 'data-focus-key': field, title: label },
    values.map((value) => ({ value, text: labels[value] ?? value })),
    current,
  );
}

/** A document with no frame, where the builder's <select>s are made (see `selectControl`). */
let inertDocument: Document | null = null;

/**
 * A <select> with `current` chosen, made in a document with no frame and then adopted. Chromium
 * tells Autofill of every selection a <select> of the page's document takes, the first option
 * chosen by default included, and Autofill answers in a task of its own that re-reads the
 * select's whole form with a style and layout update per field: 27-35 ms of CPU per slice of rows
 * at 1000 parameters while a share link's form was drawn (the trace: form_submission_tracker.cc
 * FormControlDidChange after each slice). A select made where there is no frame, or parsed from a
 * template, posts nothing; a person's own choice later still reaches Autofill as before.
 */
function selectControl(
  attrs: Attrs,
  options: readonly { readonly value: string; readonly text: string }[],
  current: string,
): HTMLSelectElement {
  inertDocument ??= document.implementation.createHTMLDocument('');
  const select = inertDocument.createElement('select');
  for (const [name, value] of Object.entries(attrs)) setAttr(select, name, value);
  for (const option of options) {
    const element = inertDocument.createElement('option');
    element.value = option.value;
    element.textContent = option.text;
    element.selected = option.value === current;
    select.append(element);
  }
  return document.adoptNode(select);
}

function labelled(text: string, control: HTMLElement): HTMLElement {
  const id = control.id || uid('ctl');
  control.id = id;
  return h('span', { className: 'field' }, h('label', { attrs: { for: id }, text }), control);
}

/** Keeps the numbers a person typed when they switch between related types (uniform → loguniform). */
function carryFields(row: ParameterRow, type: ParameterType): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const field of PARAMETER_FIELDS[type]) {
    const old = row.fields[field];
    if (old !== undefined) fields[field] = old;
  }
  if (type === 'choice' && fields['values'] === undefined)
    fields['values'] = Object.values(row.fields)
      .filter((v) => v.trim() !== '')
      .join(', ');
  if (type === 'constant' && fields['value'] === undefined) fields['value'] = Object.values(row.fields)[0] ?? '';
  return fields;
}

/** What a log-scale row's exponents mean as values, e.g. "e^-6.9 ≈ 0.001 to e^-2.3 ≈ 0.1". */
function rangeHint(row: ParameterRow): string {
  if (row.type === 'constant' || !expressionRow(row.type).exponentBounds) return '';
  const low = Number(row.fields['min_value']);
  const high = Number(row.fields['max_value']);
  if (!Number.isFinite(low) || !Number.isFinite(high)) return '';
  const f = (x: number): string => Number(Math.exp(x).toPrecision(3)).toString();
  return `samples between e^${low} ≈ ${f(low)} and e^${high} ≈ ${f(high)}`;
}

function moduleUrlOf(trial: BuilderState['trial']): string | null {
  return trial.kind === 'module' ? trial.url : null;
}
