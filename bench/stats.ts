/** The figures every benchmark table shows. */

export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;

export const median = (values: number[]) => quantile(values, 0.5);

/** One table row: median, p90 and max. */
export function summary(values: number[]): { median: string; p90: string; max: string } {
  return { median: ms(median(values)), p90: ms(quantile(values, 0.9)), max: ms(Math.max(...values)) };
}
