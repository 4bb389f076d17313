/**
 * A one-line chart of recent heartbeats: `▁▂▃▄▅▆▇█` for answered beats, `·`
 * for lost ones.
 *
 * The default scale is logarithmic, `log(1 + ms)`, because round-trip times
 * are multiplicative: a link that normally answers in 20 ms and spikes to
 * 2 s would, on a linear scale, draw every normal beat as `▁` and hide the
 * jitter between 20 and 80 ms that people notice when typing. On a log
 * scale a doubling looks the same at any level. The `1 +` keeps
 * sub-millisecond noise (loopback, LAN) near the floor instead of blowing 0.05 vs
 * 0.2 ms up to full height, and the scale always spans at least a doubling,
 * so a steady 20–21 ms link draws as a flat line, not a saw.
 */

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

export interface SparklineOptions {
  /** How many of the most recent samples to draw (default 20). */
  readonly width?: number;
  /** Default `log`; see the module comment. */
  readonly scale?: 'log' | 'linear';
  /** Glyph for a lost beat (`null`, or a value that is not a finite number). Default `·`. */
  readonly lost?: string;
  /**
   * When set, pads on the left with this glyph up to exactly `width` glyphs,
   * so the line does not grow while history fills up. Default: no padding.
   */
  readonly fill?: string;
  /** Fixed lower end of the scale (default: the smallest drawn sample). */
  readonly min?: number;
  /** Fixed upper end of the scale (default: the largest drawn sample). */
  readonly max?: number;
}

/**
 * Draws the last `width` samples, oldest first. Samples are round-trip times
 * in ms (any non-negative quantity works; negatives count as 0); `null` is a
 * lost beat. Never throws.
 */
export function sparkline(samples: readonly (number | null)[], options: SparklineOptions = {}): string {
  const width = Number.isFinite(options.width) ? Math.max(0, Math.floor(options.width ?? 20)) : 20;
  const scale = options.scale ?? 'log';
  const lost = options.lost ?? '·';
  const shown = width === 0 ? [] : samples.slice(-width);
  const f = scale === 'log' ? (v: number): number => Math.log1p(Math.max(0, v)) : (v: number): number => Math.max(0, v);
  const ok = (v: number | null): v is number => v !== null && Number.isFinite(v);

  let lo = Infinity;
  let hi = -Infinity;
  for (const v of shown) {
    if (ok(v)) {
      lo = Math.min(lo, f(v));
      hi = Math.max(hi, f(v));
    }
  }
  if (options.min !== undefined && Number.isFinite(options.min)) {
    lo = f(options.min);
  }
  if (options.max !== undefined && Number.isFinite(options.max)) {
    hi = f(options.max);
  }
  if (scale === 'log' && options.max === undefined) {
    hi = Math.max(hi, lo + Math.LN2);
  }
  const span = hi - lo;
  const glyphs = shown.map((v) => {
    if (!ok(v)) {
      return lost;
    }
    const level = span > 0 ? Math.round(((f(v) - lo) / span) * (BARS.length - 1)) : 0;
    return BARS[Math.min(BARS.length - 1, Math.max(0, level))] as string;
  });
  const pad = options.fill !== undefined && glyphs.length < width ? options.fill.repeat(width - glyphs.length) : '';
  return pad + glyphs.join('');
}
