import { h } from '../dom.js';
import type { MethodTeaching, SamplingKind } from '../engine.js';
import { policyRow, samplingRow, type PolicyRow } from '../engine.js';

/**
 * The teaching panel beside a method's settings in the builder: what the method does in a
 * sentence or two, its rule as a formula, and what the formula's symbols mean. The words live
 * in the policy and sampling registries (their `teaching` rows); this only lays them out, as
 * text nodes (never markup from the rows).
 */
export function methodExplanation(what: 'policy' | 'sampling', label: string, teaching: MethodTeaching): HTMLElement {
  return h(
    'details',
    { className: 'teach-method', attrs: { 'data-testid': `explain-${what}`, open: true } },
    h('summary', { text: `How ${label} works` }),
    h('p', { className: 'teach-summary', text: teaching.summary }),
    h(
      'p',
      { className: 'teach-rule' },
      h('span', { className: 'teach-rule-label', text: 'Rule: ' }),
      h('code', { className: 'formula', attrs: { 'data-testid': `formula-${what}` }, text: teaching.rule }),
    ),
    teaching.symbols.length === 0
      ? null
      : h(
          'dl',
          { className: 'teach-symbols' },
          ...teaching.symbols.flatMap(([symbol, meaning]) => [
            h('dt', null, h('code', { text: symbol })),
            h('dd', { text: meaning }),
          ]),
        ),
  );
}

/** The builder's explanation of an early-termination policy row. */
export function policyExplanation(row: PolicyRow): HTMLElement {
  return methodExplanation('policy', shortLabel(row.label), row.teaching);
}

/** The builder's explanation of a sampling method. */
export function samplingExplanation(kind: SamplingKind): HTMLElement {
  const row = samplingRow(kind);
  return methodExplanation('sampling', `${shortLabel(row.label)} sampling`, row.teaching);
}

/** The policy's name as decisions and explanations use it ("Bandit", not the menu's longer label). */
export function policyName(kind: PolicyRow['kind']): string {
  return shortLabel(policyRow(kind).label);
}

/** "Bandit (slack from the best)" → "Bandit"; "None: every run trains to the end" → "None". */
function shortLabel(label: string): string {
  return label.replace(/\s*[(:].*$/, '');
}
