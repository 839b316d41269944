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

/** One table row with the tail the recovery goals name: how many, median, p95 and max ('–' when none). */
export function summary95(values: number[]): { n: number; median: string; p95: string; max: string } {
  if (!values.length) return { n: 0, median: '–', p95: '–', max: '–' };
  return {
    n: values.length,
    median: ms(median(values)),
    p95: ms(quantile(values, 0.95)),
    max: ms(Math.max(...values)),
  };
}
