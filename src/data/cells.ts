// How one cell reads as a number, a date or a missing value. The profile decides a column's
// kind from these and the preparation encodes with the same functions, so a cell the preview
// counted as a number is the number the model sees.

/**
 * Cells that mean "no value": empty (after trimming), and the words spreadsheets and R/pandas
 * exports write for it, in any case: `NA`, `N/A`, `NaN`, `null`, `?`. (`None` and `-` are not in
 * the list: they are real categories often enough, e.g. "None" for a house without an alley.)
 */
const MISSING_WORDS = new Set(['', 'na', 'n/a', 'nan', 'null', '?']);

export function isMissingCell(cell: unknown): boolean {
  if (cell === null || cell === undefined) return true;
  if (typeof cell === 'number') return !Number.isFinite(cell);
  if (typeof cell !== 'string') return false;
  if (cell.length > 4) return cell.trim().length === 0;
  return MISSING_WORDS.has(cell.trim().toLowerCase());
}

/**
 * `Number()` reads hex, octal and binary literals ("0x1A" is 26): in data those are codes, not
 * numbers. Checked by character codes, not a regular expression: it runs for every number cell.
 */
function hasRadixPrefix(cell: string): boolean {
  let i = 0;
  let code = cell.charCodeAt(i);
  while (code === 32 || code === 9) code = cell.charCodeAt(++i);
  if (code === 43 || code === 45) code = cell.charCodeAt(++i);
  if (code !== 48) return false;
  const next = cell.charCodeAt(i + 1) | 0x20; // lower case
  return next === 0x78 || next === 0x6f || next === 0x62; // x, o, b
}
// Thousands separated by commas in groups of three ("1,234,567.5"); a decimal comma ("1,5") is not read as a number.
const THOUSANDS = /^\s*[+-]?\d{1,3}(,\d{3})+(\.\d+)?\s*$/;

/** Exact powers of ten: every one up to 1e22 is a double without rounding. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The common cell `-12.34` / `7` read by hand, or NaN when it has any other shape (then
 * `Number()` decides). V8's `Number(string)` is a runtime call costing several times this loop,
 * and a 100,000-row file has millions of such cells. Exact: with at most 15 digits the digits
 * form an integer below 2^53, and an exact integer divided by an exact power of ten (≤ 1e22)
 * is the correctly rounded double, the same one `Number()` gives (Clinger's fast path).
 */
function simpleDecimal(cell: string): number {
  const length = cell.length;
  if (length === 0 || length > 17) return Number.NaN;
  let i = 0;
  let code = cell.charCodeAt(0);
  const negative = code === 45; // -
  if (negative || code === 43) i = 1; // +
  let mantissa = 0;
  let digits = 0;
  let decimals = -1;
  for (; i < length; i += 1) {
    code = cell.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      mantissa = mantissa * 10 + (code - 48);
      digits += 1;
      if (decimals >= 0) decimals += 1;
    } else if (code === 46 && decimals < 0) {
      decimals = 0;
    } else {
      return Number.NaN;
    }
  }
  // "", "-", "." and "1." are left to Number() (which reads "1." as 1 and the others as missing or text).
  if (digits === 0 || digits > 15 || decimals === 0) return Number.NaN;
  // A leading zero before more digits ("007") is read by Number() as 7 too; fine either way.
  const value = decimals > 0 ? mantissa / (POWERS_OF_TEN[decimals] as number) : mantissa;
  return negative ? -value : value;
}

/** A present cell as a number, or null when it is not one. `true`/`false` are not numbers (they are categories). */
export function cellNumber(cell: unknown): number | null {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : null;
  if (typeof cell !== 'string') return null;
  const fast = simpleDecimal(cell);
  if (!Number.isNaN(fast)) return fast;
  const n = Number(cell);
  if (Number.isFinite(n)) {
    // Number() reads "" and "  " as 0: those are missing, not zero.
    if (n === 0 && cell.trim() === '') return null;
    if (hasRadixPrefix(cell)) return null;
    return n;
  }
  if (cell.includes(',') && THOUSANDS.test(cell)) return Number(cell.replace(/,/g, ''));
  return null;
}

/** The cell as a category name: numbers and booleans by their text, strings trimmed. */
export function cellText(cell: unknown): string {
  if (typeof cell === 'string') return cell.trim();
  return String(cell);
}

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/;
const YMD_SLASH = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;
const XYZ = /^(\d{1,2})([/.])(\d{1,2})\2(\d{4})$/;

/**
 * How a column writes `01/02/2024`: `dmy` (2 January) or `mdy` (1 February). Decided per
 * column, never per cell: day-first when any slashed date has a first number over 12, or the
 * dates use dots (German, Russian); month-first (US) otherwise.
 */
export type DateOrder = 'dmy' | 'mdy';

/**
 * A date cell in days since 1970-01-01 UTC (fractional with a time), or null. Accepted: ISO
 * 8601 (`2024-03-05`, `2024-03-05T14:30`, `...Z`, `...+02:00`; without a zone the time is read
 * as UTC, so the same file gives the same numbers in every time zone), `2024/03/05`, and
 * `05/03/2024` / `05.03.2024` read with the column's `DateOrder`.
 */
export function cellDate(cell: unknown, order: DateOrder = 'mdy'): number | null {
  if (typeof cell !== 'string') return null;
  const text = cell.trim();
  if (text.length < 8 || text.length > 35) return null;
  let m = ISO.exec(text);
  if (m !== null) {
    const day = civilDay(Number(m[1]), Number(m[2]), Number(m[3]));
    if (day === null) return null;
    if (m[4] === undefined) return day;
    const hours = Number(m[4]);
    const minutes = Number(m[5]);
    const seconds = m[6] === undefined ? 0 : Number(m[6]);
    if (hours > 23 || minutes > 59 || seconds > 60) return null;
    const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`);
    let offsetMinutes = 0;
    const zone = m[8];
    if (zone !== undefined && zone !== 'Z') {
      const digits = zone.replace(':', '');
      offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
    }
    return day + (hours * 3600 + minutes * 60 + seconds + fraction - offsetMinutes * 60) / 86_400;
  }
  m = YMD_SLASH.exec(text);
  if (m !== null) return civilDay(Number(m[1]), Number(m[2]), Number(m[3]));
  m = XYZ.exec(text);
  if (m !== null) {
    const first = Number(m[1]);
    const second = Number(m[3]);
    const dayFirst = m[2] === '.' || order === 'dmy';
    return dayFirst ? civilDay(Number(m[4]), second, first) : civilDay(Number(m[4]), first, second);
  }
  return null;
}

/** Whether a column's slashed dates are day-first: any first number over 12 (or dotted dates) says so. */
export function isDayFirst(cell: unknown): boolean {
  if (typeof cell !== 'string') return false;
  const m = XYZ.exec(cell.trim());
  return m !== null && (m[2] === '.' || Number(m[1]) > 12);
}

function civilDay(year: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return daysFromCivil(year, month, day);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm): no Date object per cell. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
