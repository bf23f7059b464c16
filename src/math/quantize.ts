// Beyond 15 decimals a double no longer holds the digit, so cleaning there would add noise.
const MAX_DECIMALS = 15;

/**
 * `round(x / q) * q` (semantics §2), with the binary noise of the product removed: `3 * 0.1` is
 * 0.30000000000000004, which a user who asked for steps of 0.1 would rightly call a bug. The
 * result is rounded to as many decimals as q itself has.
 *
 * Halves round up (`Math.round`), not to even as NumPy does; the difference only shows on
 * exact ties, which continuous draws hit with probability zero.
 */
export function quantize(x: number, q: number): number {
  if (!(q > 0) || !Number.isFinite(q))
    throw new RangeError(`quantize: q must be a finite number > 0 (got ${String(q)})`);
  if (!Number.isFinite(x)) return x;
  const raw = Math.round(x / q) * q;
  const decimals = decimalsOf(q);
  const cleaned = decimals === 0 ? raw : Number(raw.toFixed(decimals));
  // -0 would print as "0" but compare and serialise oddly (Object.is, 1/x); it is 0 here.
  return cleaned === 0 ? 0 : cleaned;
}

/** How many digits q has after the decimal point, read from its shortest round-trip text. */
export function decimalsOf(q: number): number {
  const text = String(Math.abs(q));
  const [mantissa = '', exponentText] = text.split('e');
  const fraction = mantissa.split('.')[1] ?? '';
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  return Math.min(MAX_DECIMALS, Math.max(0, fraction.length - exponent));
}
