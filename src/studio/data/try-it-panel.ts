import type { Cell, FittedPreparation, ImagePreparation, Prediction, TryModel } from '../engine.js';
import { formatValue, h, panel, replaceChildren, uid } from '../dom.js';
import { sized } from './data-charts.js';

export interface TryItActions {
  /**
   * The sweep's best model with its preparation, loaded on this page (src/browser/try-model.ts);
   * rejects naming why (no run saved a model, the sweep trained on no dataset).
   */
  load(): Promise<TryModel>;
}

/**
 * "Try it" on a sweep page with a finished best run: a form with one input per column the model
 * reads (a select for a categorical one) or an image drop, and the model's answer: the class
 * probabilities or the predicted value. The exported model and its preparation answer, exactly
 * as they would in the person's own page after `tf.loadLayersModel`.
 */
export class TryItPanel {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private model: TryModel | null = null;
  private shownRun: string | null = null;
  private disposed = false;

  constructor(private readonly actions: TryItActions) {
    this.body = h('div', { className: 'try-body' });
    this.element = panel({ kind: 'try-it', testId: 'try-it', titleId: 'try-title', title: 'Try it' }, this.body);
    this.element.hidden = true;
  }

  /** Shows the panel for this run (the finished best one), loading its model once. */
  async show(runId: string | null): Promise<void> {
    if (runId === this.shownRun) return;
    this.shownRun = runId;
    this.model?.dispose();
    this.model = null;
    if (runId === null) {
      this.element.hidden = true;
      return;
    }
    this.element.hidden = false;
    replaceChildren(this.body, h('p', { className: 'muted', text: 'Loading the best run’s model…' }));
    let model: TryModel;
    try {
      model = await this.actions.load();
    } catch (error) {
      if (this.shownRun !== runId) return;
      replaceChildren(
        this.body,
        h('p', {
          className: 'error',
          attrs: { role: 'alert' },
          text: `The model could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
      return;
    }
    if (this.shownRun !== runId || this.disposed) {
      model.dispose();
      return;
    }
    this.model = model;
    const answer = h('div', { className: 'try-answer', attrs: { 'data-testid': 'try-answer', 'aria-live': 'polite' } });
    const predict = async (ask: () => Promise<Prediction>): Promise<void> => {
      replaceChildren(answer, h('p', { className: 'muted', text: 'Predicting…' }));
      try {
        replaceChildren(answer, predictionView(await ask(), model.preparation));
      } catch (error) {
        replaceChildren(
          answer,
          h('p', {
            className: 'error',
            attrs: { role: 'alert' },
            text: error instanceof Error ? error.message : String(error),
          }),
        );
      }
    };
    const preparation = model.preparation;
    const form =
      'kind' in preparation && preparation.kind === 'images'
        ? imageForm(preparation, (file) =>
            predict(async () => {
              const bitmap = await imageOf(file);
              try {
                return await model.predictImage(bitmap);
              } finally {
                bitmap.close();
              }
            }),
          )
        : recordForm(preparation as FittedPreparation, (record) => predict(() => model.predictRecord(record)));
    replaceChildren(this.body, form, answer);
  }

  dispose(): void {
    this.disposed = true;
    this.model?.dispose();
    this.model = null;
  }
}

function recordForm(
  preparation: FittedPreparation,
  predict: (record: Readonly<Record<string, Cell>>) => Promise<void>,
): HTMLElement {
  const fields: { readonly column: string; readonly read: () => Cell }[] = [];
  const controls = preparation.features.map((feature) => {
    const id = uid('try');
    if (feature.kind === 'one-hot' || feature.kind === 'index') {
      const select = h('select', { attrs: { id, 'data-try-column': feature.column } });
      for (const value of feature.categories) select.append(h('option', { attrs: { value }, text: value }));
      select.append(h('option', { attrs: { value: '' }, text: '(missing)' }));
      // Start on the most frequent value (what a missing one is filled with), not the
      // alphabetically first, which in real data is often a stray marker such as ".".
      if (feature.categories.includes(feature.fill)) select.value = feature.fill;
      fields.push({ column: feature.column, read: () => (select.value === '' ? null : select.value) });
      return field(feature.column, id, select);
    }
    const isDate = feature.kind === 'date';
    const input = h('input', {
      attrs: {
        id,
        type: isDate ? 'date' : 'number',
        step: 'any',
        inputmode: isDate ? null : 'decimal',
        'data-try-column': feature.column,
        // Filled with the training mean, so the form answers at once and each change shows its effect.
        value: isDate ? new Date(feature.mean * 86_400_000).toISOString().slice(0, 10) : formatValue(feature.mean),
      },
      className: 'narrow',
    });
    fields.push({
      column: feature.column,
      read: () => (input.value.trim() === '' ? null : isDate ? input.value : Number(input.value)),
    });
    return field(feature.column, id, input);
  });
  const form = h(
    'form',
    { className: 'try-form', attrs: { 'data-testid': 'try-form', novalidate: true } },
    h('p', {
      className: 'muted',
      text: `Type a row and see what the best model predicts for ${preparation.spec.target}. Columns left out when training are not asked for; an empty field is a missing value.`,
    }),
    h('div', { className: 'try-fields' }, ...controls),
    h('button', { attrs: { type: 'submit', 'data-action': 'try-predict' }, className: 'primary', text: 'Predict' }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const record: Record<string, Cell> = {};
    for (const f of fields) record[f.column] = f.read();
    void predict(record);
  });
  return form;
}

function imageForm(preparation: ImagePreparation, predict: (file: File) => Promise<void>): HTMLElement {
  const input = h('input', {
    attrs: { type: 'file', accept: 'image/png,image/jpeg', id: uid('try-image'), 'data-testid': 'try-image' },
  });
  const preview = h('img', { className: 'try-thumb', attrs: { alt: '' } });
  preview.hidden = true;
  const take = (file: File): void => {
    preview.src = URL.createObjectURL(file);
    preview.alt = file.name;
    preview.hidden = false;
    void predict(file);
  };
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file !== undefined) take(file);
  });
  const zone = h(
    'div',
    { className: 'drop-zone try-drop', attrs: { 'data-testid': 'try-drop' } },
    h('p', {
      text: `Drop an image (PNG or JPEG); it is resized to ${preparation.size[0]} × ${preparation.size[1]} as in training. Classes: ${preparation.classes.join(', ')}.`,
    }),
    h('label', { attrs: { for: input.id }, text: 'or pick one: ' }),
    input,
    preview,
  );
  zone.addEventListener('dragover', (event) => event.preventDefault());
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    const file = event.dataTransfer?.files[0];
    if (file !== undefined) take(file);
  });
  return zone;
}

function predictionView(prediction: Prediction, preparation: TryModel['preparation']): HTMLElement {
  if (prediction.task === 'regression') {
    const target = 'spec' in preparation ? preparation.spec.target : 'value';
    return h(
      'p',
      { className: 'try-value' },
      `Predicted ${target}: `,
      h('strong', { attrs: { 'data-testid': 'try-value' }, text: formatValue(prediction.value) }),
    );
  }
  return h(
    'div',
    null,
    h(
      'p',
      { className: 'try-value' },
      'Predicted class: ',
      h('strong', { attrs: { 'data-testid': 'try-class' }, text: prediction.label }),
    ),
    h(
      'ul',
      { className: 'bars', attrs: { 'aria-label': 'Class probabilities' } },
      ...prediction.classes.map((entry) =>
        h(
          'li',
          { attrs: { 'data-class': entry.name } },
          h('span', { className: 'bar-label', text: entry.name }),
          h(
            'span',
            { className: 'bar-track' },
            sized(h('span', { className: 'bar' }), 'width', entry.probability * 100),
          ),
          h('span', { className: 'bar-value', text: `${(entry.probability * 100).toFixed(1)} %` }),
        ),
      ),
    ),
  );
}

/** A dropped or picked image, decoded; a file that is not one says so by name. */
async function imageOf(file: File): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(file);
  } catch {
    throw new Error(`${file.name} could not be decoded as an image; drop a PNG or JPEG`);
  }
}

function field(label: string, id: string, control: HTMLElement): HTMLElement {
  return h('span', { className: 'field' }, h('label', { attrs: { for: id }, text: label }), control);
}
