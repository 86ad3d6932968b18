/**
 * Two-sample tests for `npm run timing`: is one class of input answered measurably faster or
 * slower than another? Two complementary tests, both standard for timing leaks:
 * - Welch's t-test on the means (unequal variances), after cropping each sample at a common
 *   percentile, as dudect does (Reparaz, Balasch, Verbauwhede 2017): network and scheduler
 *   outliers are one-sided and heavy, and a crop keeps them from hiding a shift. |t| above
 *   4.5 is dudect's threshold for "leaks" (about p < 1e-5 for large samples).
 * - The two-sample Kolmogorov-Smirnov test on the whole distributions (a shift in shape, not
 *   only in the mean), with its asymptotic p-value (Marsaglia-Tsang-Wang's series).
 */

export interface Summary {
  n: number;
  median: number;
  mean: number;
  sd: number;
  p10: number;
  p90: number;
}

export function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

export function quantile(sortedXs: readonly number[], q: number): number {
  if (!sortedXs.length) return NaN;
  const at = (sortedXs.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sortedXs[lo] + (sortedXs[hi] - sortedXs[lo]) * (at - lo);
}

function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, n - 1);
  return { mean, sd: Math.sqrt(v) };
}

export function summarize(xs: readonly number[]): Summary {
  const s = sorted(xs);
  return { n: s.length, median: quantile(s, 0.5), ...meanSd(s), p10: quantile(s, 0.1), p90: quantile(s, 0.9) };
}

/** Welch's t statistic of a against b. */
export function welchT(a: readonly number[], b: readonly number[]): number {
  const x = meanSd(a);
  const y = meanSd(b);
  const se = Math.sqrt((x.sd * x.sd) / a.length + (y.sd * y.sd) / b.length);
  return se === 0 ? 0 : (x.mean - y.mean) / se;
}

/** Both samples cropped at the `q` quantile of the two together (one threshold, so the crop itself cannot create a difference). */
export function cropPair(a: readonly number[], b: readonly number[], q: number): [number[], number[]] {
  const limit = quantile(sorted([...a, ...b]), q);
  return [a.filter((x) => x <= limit), b.filter((x) => x <= limit)];
}

/** Kolmogorov's limiting distribution: P(K > lambda). */
function kolmogorovQ(lambda: number): number {
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = 2 * (j % 2 ? 1 : -1) * Math.exp(-2 * j * j * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/** The two-sample KS statistic D and its asymptotic p-value (Stephens' small-sample correction). */
export function ksTest(a: readonly number[], b: readonly number[]): { d: number; p: number } {
  const x = sorted(a);
  const y = sorted(b);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const ne = Math.sqrt((x.length * y.length) / (x.length + y.length));
  return { d, p: kolmogorovQ((ne + 0.12 + 0.11 / ne) * d) };
}

export interface PairVerdict {
  a: string;
  b: string;
  /** Welch t at each crop (dudect's several crops; the largest |t| decides). */
  t: number;
  crop: number;
  ks: { d: number; p: number };
  distinguishable: boolean;
}

/** Crops at which the t-test is run: the whole sample, and below the 90th, 75th and 50th percentiles. */
export const CROPS = [1, 0.9, 0.75, 0.5] as const;

/**
 * The verdict for one pair of classes: distinguishable when the largest |t| over CROPS exceeds
 * `tThreshold`, or when KS rejects equality below `ksAlpha` (already divided by the number
 * of pairs by the caller, Bonferroni).
 */
export function comparePair(aName: string, a: readonly number[], bName: string, b: readonly number[], tThreshold: number, ksAlpha: number): PairVerdict {
  let best = { t: 0, crop: 1 as number };
  for (const q of CROPS) {
    const [x, y] = q === 1 ? [a, b] : cropPair(a, b, q);
    const t = welchT(x, y);
    if (Math.abs(t) > Math.abs(best.t)) best = { t, crop: q };
  }
  const ks = ksTest(a, b);
  return { a: aName, b: bName, t: best.t, crop: best.crop, ks, distinguishable: Math.abs(best.t) > tThreshold || ks.p < ksAlpha };
}
