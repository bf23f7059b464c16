import { h, uniqueId } from './dom.js';

export interface AxisChip {
  /** Stable internal key. */
  readonly key: string;
  /** What people read (a parameter name: plain text). */
  readonly label: string;
  readonly metric: boolean;
}

const DRAG_TYPE = 'application/x-overdrive-axis';

/**
 * The strip of axis chips above the parallel-coordinates chart: ECharts cannot drag axes, so the
 * order is changed here, by HTML5 drag and drop or from the keyboard (focus a chip, then ← / →,
 * with or without Alt, or Home / End), and each move is announced.
 */
export class AxisOrderStrip {
  readonly element: HTMLDivElement;
  private readonly list: HTMLOListElement;
  private readonly hintId = uniqueId('axis-hint');
  private chips: readonly AxisChip[] = [];
  private signature = '';
  private dragged: string | null = null;

  constructor(private readonly onMove: (key: string, toIndex: number, via: 'keyboard' | 'drag') => void) {
    const labelId = uniqueId('axis-label');
    this.list = h('ol', { 'aria-labelledby': labelId, 'data-testid': 'axis-order' });
    this.element = h(
      'div',
      { class: 'odc-axis-order' },
      h('span', { id: labelId }, 'Axis order'),
      this.list,
      h(
        'span',
        { id: this.hintId, class: 'odc-sr' },
        'Drag to reorder, or press the left or right arrow key to move this axis; Home and End move it to either end.',
      ),
    );
  }

  render(chips: readonly AxisChip[], focusKey: string | null = null): void {
    const signature = JSON.stringify(chips.map((c) => [c.key, c.label, c.metric]));
    if (signature === this.signature && focusKey === null) return;
    this.signature = signature;
    this.chips = chips;
    this.list.replaceChildren(
      ...chips.map((chip, index) => {
        const button = h(
          'button',
          {
            type: 'button',
            class: 'odc-chip',
            draggable: 'true',
            'data-testid': 'axis-chip',
            'data-column': chip.label,
            'data-metric': chip.metric,
            'aria-describedby': this.hintId,
            'aria-label': `${chip.label}${chip.metric ? ' (metric)' : ''}, axis ${index + 1} of ${chips.length}`,
            title: chip.label,
          },
          chip.label,
        );
        button.addEventListener('keydown', (event) => this.onKey(event, chip.key));
        button.addEventListener('dragstart', (event) => this.onDragStart(event, chip.key, button));
        button.addEventListener('dragover', (event) => this.onDragOver(event, button));
        button.addEventListener('dragleave', () => button.removeAttribute('data-drop'));
        button.addEventListener('drop', (event) => this.onDrop(event, chip.key, button));
        button.addEventListener('dragend', () => this.clearDragState());
        return h('li', {}, button);
      }),
    );
    if (focusKey !== null) {
      const index = chips.findIndex((c) => c.key === focusKey);
      const button = this.list.children[index]?.firstElementChild;
      if (button instanceof HTMLElement) button.focus();
    }
  }

  private onKey(event: KeyboardEvent, key: string): void {
    const index = this.chips.findIndex((c) => c.key === key);
    if (index < 0) return;
    let target: number;
    switch (event.key) {
      case 'ArrowLeft':
        target = index - 1;
        break;
      case 'ArrowRight':
        target = index + 1;
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = this.chips.length - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    if (target < 0 || target >= this.chips.length || target === index) return;
    this.onMove(key, target, 'keyboard');
  }

  private onDragStart(event: DragEvent, key: string, button: HTMLElement): void {
    this.dragged = key;
    button.setAttribute('data-dragging', '');
    if (event.dataTransfer !== null) {
      event.dataTransfer.effectAllowed = 'move';
      event.dataTransfer.setData(DRAG_TYPE, key);
      // Some browsers start a drag only with a text/plain payload.
      event.dataTransfer.setData('text/plain', this.chips.find((c) => c.key === key)?.label ?? '');
    }
  }

  private side(event: DragEvent, button: HTMLElement): 'before' | 'after' {
    const rect = button.getBoundingClientRect();
    return event.clientX < rect.left + rect.width / 2 ? 'before' : 'after';
  }

  private onDragOver(event: DragEvent, button: HTMLElement): void {
    if (this.dragged === null) return;
    event.preventDefault();
    if (event.dataTransfer !== null) event.dataTransfer.dropEffect = 'move';
    button.setAttribute('data-drop', this.side(event, button));
  }

  private onDrop(event: DragEvent, targetKey: string, button: HTMLElement): void {
    event.preventDefault();
    const key = this.dragged ?? event.dataTransfer?.getData(DRAG_TYPE) ?? null;
    const side = this.side(event, button);
    this.clearDragState();
    if (key === null || key === '' || key === targetKey) return;
    const from = this.chips.findIndex((c) => c.key === key);
    let to = this.chips.findIndex((c) => c.key === targetKey);
    if (from < 0 || to < 0) return;
    if (side === 'after') to += 1;
    // Removing the dragged chip first shifts every later position left by one.
    if (from < to) to -= 1;
    if (to !== from) this.onMove(key, to, 'drag');
  }

  private clearDragState(): void {
    this.dragged = null;
    for (const button of this.list.querySelectorAll('[data-dragging], [data-drop]')) {
      button.removeAttribute('data-dragging');
      button.removeAttribute('data-drop');
    }
  }
}
