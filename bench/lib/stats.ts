/** Summaries of repeated measurements: median and range, never a single time. */

export interface Summary {
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Every sample, in the order measured. */
  readonly samples: readonly number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    runs: samples.length,
    median: median(samples),
    min: samples.length === 0 ? Number.NaN : Math.min(...samples),
    max: samples.length === 0 ? Number.NaN : Math.max(...samples),
    samples: [...samples],
  };
}

/** 3 significant digits, no exponent: 0.0123, 1.23, 12.3, 123, 1234. */
export function sig3(value: number): string {
  if (!Number.isFinite(value)) {
    return 'n/a';
  }
  if (value === 0) {
    return '0';
  }
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  return value.toFixed(digits);
}

/** "12.3 ms (11.9–13.0)". */
export function formatMs(s: Summary | undefined): string {
  if (s === undefined || s.runs === 0) {
    return 'n/a';
  }
  return `${sig3(s.median)} ms (${sig3(s.min)}–${sig3(s.max)})`;
}

/** "3.40×"; below 1 also the inverse, "0.0500× (1/20.0)"; "n/a" when either side is missing. */
export function formatRatio(numerator: number | undefined, denominator: number | undefined): string {
  if (numerator === undefined || denominator === undefined || !(denominator > 0) || !(numerator > 0)) {
    return 'n/a';
  }
  const r = numerator / denominator;
  return r < 1 ? `${sig3(r)}× (1/${sig3(1 / r)})` : `${sig3(r)}×`;
}
