import { h, replaceChildren } from '../dom.js';
import type { DecisionRecord } from '../engine.js';
import type { SweepModel } from '../view-model/sweep-model.js';
import { type DecisionExplanation, explainDecision, type JudgedDecision } from './decision-math.js';
import { policyName } from './method-explanation.js';

/** What the sweep page does when a decision is opened or closed: highlight its moment on the charts. */
export interface DecisionFocus {
  /** The decision's run and the runs that had reached its interval; the interval to mark. */
  readonly focus: (moment: { readonly runIds: ReadonlySet<string>; readonly interval: number } | null) => void;
}

type StopRecord = DecisionRecord & { readonly decision: JudgedDecision & { readonly kind: 'cancel' } };

function isStop(record: DecisionRecord): record is StopRecord {
  return record.decision.kind === 'cancel';
}

/**
 * The sweep page's list of early-stop decisions. Each can be opened to show the policy's rule
 * applied with the numbers of that moment (from the decision's stored evidence), while the
 * metric chart highlights the curves at that interval. One decision is open at a time.
 */
export class DecisionsPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly detail: HTMLElement;
  private shownKey = '';
  private openKey: string | null = null;

  constructor(
    private readonly model: SweepModel,
    private readonly options: DecisionFocus,
  ) {
    this.list = h('ul', { className: 'decision-list' });
    this.detail = h('div', { className: 'decision-detail', attrs: { 'aria-live': 'polite' } });
    this.element = h(
      'section',
      { className: 'panel decisions', attrs: { 'data-testid': 'decisions', 'aria-labelledby': 'decisions-title' } },
      h('h3', { attrs: { id: 'decisions-title' }, text: 'Stop decisions' }),
      h('p', {
        className: 'muted',
        text: 'Why each stopped run was stopped: open one to see the rule applied with the numbers of that moment, and its interval marked on the metric curves.',
      }),
      this.list,
      this.detail,
    );
    this.element.hidden = true;
  }

  update(): void {
    const stops = this.stops();
    const key = `${stops.length}|${this.openKey ?? ''}`;
    if (key === this.shownKey) return;
    this.shownKey = key;
    this.element.hidden = stops.length === 0;
    replaceChildren(this.list, ...stops.map((record) => this.item(record)));
    const open = stops.find((r) => keyOf(r) === this.openKey);
    if (open === undefined) replaceChildren(this.detail);
    else replaceChildren(this.detail, this.explanationElement(open));
  }

  /** Opens the decision that stopped `runId` (for tests and links); false when it has none. */
  open(runId: string): boolean {
    const record = this.stops().find((r) => r.runId === runId);
    if (record === undefined) return false;
    this.toggle(record);
    return true;
  }

  private stops(): StopRecord[] {
    return this.model.decisions.filter(isStop);
  }

  private item(record: StopRecord): HTMLElement {
    const run = this.model.run(record.runId);
    const open = keyOf(record) === this.openKey;
    const label = `Run ${run === undefined ? record.runId : run.index + 1} stopped at interval ${record.decision.interval} (${policyName(record.decision.policy)})`;
    return h(
      'li',
      null,
      h('button', {
        attrs: {
          type: 'button',
          'aria-expanded': String(open),
          'aria-controls': 'decision-detail',
          'data-run-id': record.runId,
          'data-action': 'open-decision',
        },
        className: open ? 'small selected' : 'small',
        text: label,
        on: { click: () => this.toggle(record) },
      }),
    );
  }

  private toggle(record: StopRecord): void {
    const key = keyOf(record);
    if (this.openKey === key) {
      this.openKey = null;
      this.options.focus(null);
    } else {
      this.openKey = key;
      const interval = record.decision.interval;
      const reached = this.model
        .rows()
        .filter((r) => this.model.curve(r.run.id, this.model.record.config.primaryMetricName).length >= interval)
        .map((r) => r.run.id);
      this.options.focus({ runIds: new Set([record.runId, ...reached]), interval });
    }
    this.update();
    this.detail.querySelector<HTMLElement>('h4')?.focus();
  }

  private explain(record: StopRecord): DecisionExplanation {
    const config = this.model.record.config;
    const otherCurves = this.model
      .rows()
      .filter((r) => r.run.id !== record.runId)
      .map((r) => this.model.curve(r.run.id, config.primaryMetricName));
    return explainDecision(record.decision, { goal: config.primaryMetricGoal, otherCurves });
  }

  private explanationElement(record: StopRecord): HTMLElement {
    const x = this.explain(record);
    const run = this.model.run(record.runId);
    return h(
      'article',
      { className: 'decision-card', attrs: { id: 'decision-detail', 'data-testid': 'decision-detail' } },
      h('h4', {
        attrs: { tabindex: '-1' },
        text: `Run ${run === undefined ? record.runId : run.index + 1}, interval ${x.interval}: ${policyName(x.policy)}`,
      }),
      h(
        'p',
        { className: 'teach-rule' },
        h('span', { className: 'teach-rule-label', text: 'Rule: ' }),
        h('code', { className: 'formula', text: x.rule }),
      ),
      h(
        'ol',
        { className: 'applied', attrs: { 'aria-label': 'The rule with the numbers of that moment' } },
        ...x.applied.map((line) => h('li', null, h('code', { className: 'formula', text: line }))),
      ),
      h(
        'dl',
        { className: 'decision-numbers' },
        ...x.numbers.flatMap((n) => [h('dt', { text: n.label }), h('dd', { text: n.value })]),
      ),
      h('p', { className: 'muted', text: record.decision.explanation }),
    );
  }
}

function keyOf(record: DecisionRecord): string {
  return `${record.runId}@${record.decision.interval}`;
}
