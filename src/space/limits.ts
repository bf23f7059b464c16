/**
 * How big a search space may be: one table, read by every boundary that accepts a space (the
 * sweep-file parser, so files, share links, the builder and the CLI; `createSearchSpace`, so the
 * JavaScript API; the sweep-document import, which must accept whatever these accept).
 *
 * Chosen to be far beyond a real sweep (HyperDrive's own examples tune under 20 parameters;
 * Azure caps a sweep at 1000 trials) and small enough that no input makes a page unusable
 * (`npm run bench`, section "limits", measures the Studio's longest main-thread task on the
 * largest accepted inputs). docs/semantics.md §6 lists them.
 */
export const SEARCH_SPACE_LIMITS = Object.freeze({
  /** Parameters in all, those inside nested sub-spaces included. */
  maxParameters: 1000,
  /** Values of one choice (a `range(...)` expands to at most this many too). */
  maxChoiceValues: 10_000,
  /** Choice values and constants over the whole space. */
  maxValues: 50_000,
  /** Choices nested inside choices. */
  maxNestingDepth: 16,
  /** Characters of one string value (a constant or a choice value). */
  maxStringLength: 1000,
});
