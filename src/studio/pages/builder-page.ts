import { fromRecord, type BuilderState } from '../builder/form-state.js';
import { demoSpec } from '../builder/presets.js';
import { sweepFileActions } from '../builder/sweep-file-actions.js';
import { type BuilderStartFrom, SweepBuilder, type SweepBuilderOptions } from '../builder/sweep-builder.js';
import { h } from '../dom.js';
import type { PageContext } from './sweep-page.js';

/** The sweep builder as a page; a started sweep opens on its own page. */
export class BuilderPage {
  readonly element: HTMLElement;
  private readonly builder: SweepBuilder;

  constructor(
    private readonly context: PageContext,
    initial: BuilderState = fromRecord(demoSpec()),
    intro: HTMLElement | null = null,
    startFrom?: BuilderStartFrom,
    /** The spec `initial` came from (a share link's), checked against what the form holds. */
    loadedFrom?: SweepBuilderOptions['loadedFrom'],
  ) {
    this.builder = new SweepBuilder({
      initial,
      sweepFileActions,
      ...(startFrom === undefined ? {} : { startFrom }),
      ...(loadedFrom === undefined ? {} : { loadedFrom }),
      onStart: async ({ parsed, config, backend }) => {
        const live = await this.context.session.submit(parsed.experimentName, config, { backend });
        this.context.navigate(`#/sweep/${encodeURIComponent(live.sweep.id)}`);
      },
    });
    this.element = h('div', { className: 'builder-page' }, intro, this.builder.element);
  }

  async mount(): Promise<void> {}

  dispose(): void {}
}
