export { buildSweepReport, progressLine, formatNumber, type SweepReport, type RunReport } from './sweep-report.js';
export { renderSweepReport, textTable } from './text-table.js';
