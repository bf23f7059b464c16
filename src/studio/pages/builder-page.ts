import { fromRecord, type BuilderState } from '../builder/form-state.js';
import { demoSpec } from '../builder/presets.js';
import { sweepFileActions } from '../builder/sweep-file-actions.js';
import { type BuilderStartFrom, SweepBuilder, type SweepBuilderOptions } from '../builder/sweep-builder.js';
import { type DataChoice, DataStep } from '../data/data-step.js';
import { dataTemplateSpec } from '../data/data-template.js';
import { dataBindingFile, keptDataBinding } from '../data/sweep-data.js';
import { announce, h } from '../dom.js';
import type { PageContext } from './sweep-page.js';

/** The sweep builder as a page, its Data step first; a started sweep opens on its own page. */
export class BuilderPage {
  readonly element: HTMLElement;
  private readonly builder: SweepBuilder;
  private readonly dataStep: DataStep;
  private readonly initialBinding: ReturnType<typeof keptDataBinding>;

  constructor(
    private readonly context: PageContext,
    initial: BuilderState = fromRecord(demoSpec()),
    intro: HTMLElement | null = null,
    startFrom?: BuilderStartFrom,
    /** The spec `initial` came from (a share link's), checked against what the form holds. */
    loadedFrom?: SweepBuilderOptions['loadedFrom'],
  ) {
    this.dataStep = new DataStep({
      actions: context.session.workspace.datasets,
      onChoose: (choice) => this.useData(choice),
    });
    this.initialBinding = keptDataBinding(initial);
    this.builder = new SweepBuilder({
      initial,
      sweepFileActions,
      before: this.dataStep.element,
      ...(startFrom === undefined ? {} : { startFrom }),
      ...(loadedFrom === undefined ? {} : { loadedFrom }),
      onStart: async ({ parsed, config, backend }) => {
        const live = await this.context.session.submit(parsed.experimentName, config, { backend });
        this.context.navigate(`#/sweep/${encodeURIComponent(live.sweep.id)}`);
      },
    });
    this.element = h('div', { className: 'builder-page' }, intro, this.builder.element);
  }

  async mount(): Promise<void> {
    // A spec that names a stored dataset (a link, an earlier sweep) shows it with its preparation.
    if (this.initialBinding !== null)
      await this.dataStep.reopen(this.initialBinding.dataset, this.initialBinding.preparation);
  }

  dispose(): void {}

  /**
   * A new dataset or task loads the matching template with its search space; a changed
   * preparation (target, dropped columns, split) only rewrites the binding, keeping any edits
   * made to the search space. Nothing usable (a read failed): the binding goes, so no sweep
   * starts on data the person no longer sees.
   */
  private useData(choice: DataChoice | null): void {
    const state = this.builder.currentState();
    if (choice === null) {
      if (keptDataBinding(state) === null) return;
      const { data: _dropped, ...kept } = state.kept ?? {};
      this.builder.load({ ...state, kept });
      return;
    }
    if (choice.templateChanged) {
      this.builder.load(fromRecord(dataTemplateSpec(choice)));
      announce(`Filled in the ${choice.kind === 'images' ? 'image-cnn' : 'tabular-mlp'} template and its search space`);
      return;
    }
    this.builder.load({ ...state, kept: { ...state.kept, data: dataBindingFile(choice) } });
  }
}
