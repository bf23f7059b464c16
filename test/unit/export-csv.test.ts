import { describe, expect, it } from 'vitest';
import { csvCell, exportSweep, sweepMetricsCsv, sweepRunsCsv, type SweepDocument } from '../../src/export/index.js';
import type { RunRecord } from '../../src/store/records.js';
import { csvSweep } from './export-fixtures.js';

async function csvDoc(): Promise<SweepDocument> {
  const { store, sweepId } = await csvSweep();
  return exportSweep(store, sweepId);
}

/** A strict RFC 4180 reader, to prove the output reads back into the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i += 1;
      } else {
        cell += c;
        i += 1;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
      i += 1;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
      i += 1;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else {
      if (c === '"' || c === '\n' || c === '\r') throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
      cell += c;
      i += 1;
    }
  }
  if (cell !== '' || row.length > 0) throw new Error('the text does not end with CRLF');
  return rows;
}

const RUNS_CSV = [
  'run,run_id,status,model.kind,model.units,note,offset,accuracy,intervals,started,ended,duration_s,backend,termination_reason,error',
  '1,HD_csv0_0,Completed,mlp,8,"a,b ""q""",-0.5,0.95,2,2024-01-02T03:04:05.000Z,2024-01-02T03:04:08.000Z,3,,,',
  '2,HD_csv0_1,Canceled,mlp,8,\'=1+2,-0.5,0.5,1,2024-01-02T03:04:08.000Z,2024-01-02T03:04:10.000Z,2,,"stopped at interval 1: best 0.5 < 0.9/(1+0.1) = 0.8182 (Bandit, slack factor 0.1)",',
  '3,HD_csv0_2,Failed,linear,,"a,b ""q""",-0.5,,0,2024-01-02T03:04:10.000Z,2024-01-02T03:04:10.500Z,0.5,,,"Error: diverged, ""badly""\nsee the log"',
  "4,HD_csv0_3,Completed,linear,,'=1+2,-0.5,0.92,1,2024-01-02T03:04:10.500Z,2024-01-02T03:04:12.500Z,2,,,",
  '',
].join('\r\n');

const METRICS_CSV = [
  'run,attempt,metric,step,value,time',
  '1,1,accuracy,0,0.9,2024-01-02T03:04:06.000Z',
  '1,1,accuracy,1,0.95,2024-01-02T03:04:08.000Z',
  '1,1,loss,0,NaN,2024-01-02T03:04:07.000Z',
  '2,1,accuracy,0,0.5,2024-01-02T03:04:09.000Z',
  '4,1,accuracy,0,0.92,2024-01-02T03:04:11.500Z',
  '4,1,loss,0,-Infinity,2024-01-02T03:04:12.500Z',
  '',
].join('\r\n');

describe('runs CSV', () => {
  it('has one row per run with every hyperparameter, the best metric, times, reasons and errors', async () => {
    expect(sweepRunsCsv(await csvDoc())).toBe(RUNS_CSV);
  });

  it('reads back with an RFC 4180 reader into rows as wide as the header', async () => {
    const rows = parseCsv(sweepRunsCsv(await csvDoc()));
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(row).toHaveLength(15);
    expect(rows[3]?.[14]).toBe('Error: diverged, "badly"\nsee the log');
    expect(rows[1]?.[5]).toBe('a,b "q"');
    expect(rows[2]?.[5]).toBe("'=1+2");
  });

  it('starts with a UTF-8 byte-order mark for Excel when asked, and can use LF', async () => {
    const doc = await csvDoc();
    const withBom = sweepRunsCsv(doc, { bom: true });
    expect(withBom.charCodeAt(0)).toBe(0xfeff);
    expect(withBom.slice(1)).toBe(RUNS_CSV);
    expect(new TextEncoder().encode(withBom).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
    expect(sweepRunsCsv(doc, { newline: '\n' })).toBe(RUNS_CSV.replace(/\r\n/g, '\n'));
    expect(sweepMetricsCsv(doc, { bom: true })).toBe(`\uFEFF${METRICS_CSV}`);
  });

  it('takes the union of hyperparameter columns in order of first appearance, and keeps header names unique', async () => {
    const doc = await csvDoc();
    const [first, ...rest] = doc.runs as [RunRecord, ...RunRecord[]];
    const changed: SweepDocument = {
      ...doc,
      runs: [...rest, { ...first, index: 9, params: { ...first.params, status: 'shadow', accuracy: 1 } }],
    };
    const header = sweepRunsCsv(changed).split('\r\n')[0];
    expect(header).toBe(
      'run,run_id,status,model.kind,model.units,note,offset,status_2,accuracy_2,accuracy,intervals,started,ended,duration_s,backend,termination_reason,error',
    );
    const last = parseCsv(sweepRunsCsv(changed)).at(-1);
    expect(last?.slice(0, 10)).toEqual([
      '10',
      'HD_csv0_0',
      'Completed',
      'mlp',
      '8',
      'a,b "q"',
      '-0.5',
      'shadow',
      '1',
      '0.95',
    ]);
  });
});

describe('metrics CSV', () => {
  it('is long format, by run, attempt and metric, non-finite values as words', async () => {
    expect(sweepMetricsCsv(await csvDoc())).toBe(METRICS_CSV);
  });
});

describe('CSV cells', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ['=1+2', "'=1+2"],
    ['+cmd', "'+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', '"\'\r=1"'],
    ['-', "'-"],
    ['-0.5', '-0.5'],
    ['+3', '+3'],
    ['-1e-7', '-1e-7'],
    ['-Infinity', '-Infinity'],
    ['', ''],
    ['x=1', 'x=1'],
  ])('string %j becomes %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('writes numbers, booleans and missing values plainly', () => {
    expect(csvCell(-0.5)).toBe('-0.5');
    expect(csvCell(1e-7)).toBe('1e-7');
    expect(csvCell(Number.NaN)).toBe('NaN');
    expect(csvCell(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
  });
});
