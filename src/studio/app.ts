import { HyperDriveConfig, BUILTIN_EXAMPLES, parseSweepFile, SHARE_LINK_PARAMETER, specConnection } from './engine.js';
import { fromLinkedRecord } from './builder/form-state.js';
import { demoSpec } from './builder/presets.js';
import { h, replaceChildren } from './dom.js';
import { BuilderPage } from './pages/builder-page.js';
import { HistoryPage } from './pages/history-page.js';
import { ComparePage, idsOfCompareHash } from './pages/compare-page.js';
import { SweepPage, type PageContext } from './pages/sweep-page.js';
import type { StudioSession } from './session.js';
import { START_FROM_ROUTE } from './steer/start-from-hash.js';
import { startFromPage } from './steer/start-from-route.js';
import { ThemeToggle } from './theme.js';

interface Page {
  readonly element: HTMLElement;
  mount(): Promise<void>;
  dispose(): void;
}

/** Routes (hash-based, so any static host serves the app): #/ · #/demo · #/history · #/sweep/ID · #/compare/ID,ID. */
export class StudioApp {
  private page: Page | null = null;
  private readonly main: HTMLElement;
  private readonly context: PageContext;

  constructor(
    private readonly root: HTMLElement,
    private readonly session: StudioSession,
  ) {
    this.main = h('main', { attrs: { id: 'main', tabindex: -1 } });
    this.context = { session, navigate: (hash) => this.navigate(hash) };
    const nav = h(
      'nav',
      { attrs: { 'aria-label': 'Main' } },
      h('a', { attrs: { href: '#/', 'data-nav': 'new' }, text: 'New sweep' }),
      h('a', { attrs: { href: '#/history', 'data-nav': 'history' }, text: 'Sweeps' }),
      h('a', { attrs: { href: '#/demo', 'data-nav': 'demo' }, text: 'Run the demo' }),
    );
    replaceChildren(
      root,
      h('a', { attrs: { href: '#main' }, className: 'skip-link', text: 'Skip to content' }),
      h(
        'header',
        { className: 'app-header' },
        h(
          'a',
          { attrs: { href: '#/' }, className: 'brand' },
          h('span', { className: 'logo', attrs: { 'aria-hidden': 'true' }, text: '◢' }),
          ' Overdrive',
        ),
        h('p', { className: 'tagline', text: 'Hyperparameter tuning that runs entirely in your browser' }),
        nav,
        new ThemeToggle().element,
      ),
      this.main,
      h('div', { attrs: { id: 'announcer', 'aria-live': 'polite', role: 'status' }, className: 'visually-hidden' }),
    );
    window.addEventListener('hashchange', () => void this.route());
  }

  start(): Promise<void> {
    return this.route();
  }

  navigate(hash: string): void {
    if (location.hash === hash) void this.route();
    else location.hash = hash;
  }

  private async route(): Promise<void> {
    const hash = location.hash || '#/';
    this.page?.dispose();
    this.page = null;
    let page: Page;
    const sweep = /^#\/sweep\/(.+)$/.exec(hash);
    const compared = idsOfCompareHash(hash);
    if (sweep?.[1] !== undefined) page = new SweepPage(this.context, decodeURIComponent(sweep[1]));
    else if (compared !== null) page = new ComparePage(this.context, compared);
    else if (hash === '#/history') page = new HistoryPage(this.context);
    else if (hash.startsWith(START_FROM_ROUTE)) page = await startFromPage(this.context, hash);
    else if (hash.startsWith(`#${SHARE_LINK_PARAMETER}=`)) page = await this.sharedSweep(hash);
    else if (hash === '#/demo') {
      await this.startDemo();
      return;
    } else page = new BuilderPage(this.context);
    this.page = page;
    for (const link of this.root.querySelectorAll<HTMLAnchorElement>('nav a')) {
      if (link.getAttribute('href') === hash) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    replaceChildren(this.main, page.element);
    await page.mount();
  }

  /**
   * A share link (`#sweep=...`): the builder, filled with the linked sweep, ready to start. The
   * link is decoded and checked in the spec worker (a 1,000-parameter link is not read on this
   * thread); where the form would change the sweep is added to the note once the form is checked.
   */
  private async sharedSweep(hash: string): Promise<Page> {
    const intro = h('div', { className: 'note', attrs: { 'data-testid': 'shared-sweep' } });
    try {
      const parsed = await specConnection().decodeLink(hash, { builtinTrials: BUILTIN_EXAMPLES });
      const holds = `This link holds the sweep “${parsed.experimentName}”. Check it, then start it: it runs here, in your browser.`;
      intro.textContent = holds;
      // The link's data is kept in the form; the address goes back to the builder's own.
      history.replaceState(null, '', '#/');
      return new BuilderPage(this.context, fromLinkedRecord(parsed.spec), intro, undefined, {
        spec: parsed.spec,
        showChanges: (changes) => {
          intro.textContent = `${holds} ${changes}`.trim();
        },
      });
    } catch (error) {
      intro.classList.add('error');
      intro.textContent = `This share link cannot be opened: ${error instanceof Error ? error.message : String(error)}`;
      return new BuilderPage(this.context, undefined, intro);
    }
  }

  /** The built-in demo: a small digits sweep, started at once, shown live. */
  private async startDemo(): Promise<void> {
    replaceChildren(this.main, h('p', { className: 'muted', text: 'Starting the demo sweep…' }));
    const running = this.session
      .liveSweeps()
      .find((l) => l.sweep.getDetails().experiment === 'demo' && l.sweep.getStatus() === 'Running');
    if (running !== undefined) {
      this.navigate(`#/sweep/${encodeURIComponent(running.sweep.id)}`);
      return;
    }
    const parsed = parseSweepFile(demoSpec(), { builtinTrials: BUILTIN_EXAMPLES });
    const live = await this.session.submit(
      parsed.experimentName,
      new HyperDriveConfig(parsed.hyperDriveConfigOptions),
      { backend: parsed.backend ?? 'auto' },
    );
    history.replaceState(null, '', `#/sweep/${encodeURIComponent(live.sweep.id)}`);
    await this.route();
  }
}
