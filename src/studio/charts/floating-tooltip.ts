import { h } from './dom.js';

/**
 * The tooltip of the charts that hit-test their own canvases (metric curves, parallel
 * coordinates): a positioned element inside the stage, kept inside it, showing DOM content
 * built with textContent only.
 */
export class FloatingTooltip {
  readonly element: HTMLDivElement;

  constructor(private readonly stage: HTMLElement) {
    this.element = h('div', { class: 'odc-tooltip', role: 'tooltip', hidden: true });
    stage.append(this.element);
  }

  show(content: HTMLElement, x: number, y: number): void {
    this.element.replaceChildren(content);
    this.element.hidden = false;
    const width = this.stage.clientWidth;
    const height = this.stage.clientHeight;
    const tipWidth = this.element.offsetWidth;
    const tipHeight = this.element.offsetHeight;
    let left = x + 14;
    if (left + tipWidth > width) left = x - 14 - tipWidth;
    let top = y + 14;
    if (top + tipHeight > height) top = y - 14 - tipHeight;
    this.element.style.left = `${Math.max(0, left)}px`;
    this.element.style.top = `${Math.max(0, top)}px`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}
