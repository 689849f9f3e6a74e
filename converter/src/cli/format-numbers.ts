/**
 * 229032 -> "229,032". By hand rather than toLocaleString: loading ICU's number formats costs `borde
 * inspect` several milliseconds of its start-up budget.
 */
export function groupThousands(n: number): string {
  const [whole, fraction] = String(n).split('.');
  return `${whole!.replace(/\B(?=(\d{3})+$)/g, ',')}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** Orders names by code unit (op names are ASCII), without loading a locale's collation. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** 229,032 B (223.7 KiB): exact bytes first, then a readable size. */
export function formatBytes(bytes: number): string {
  const exact = `${groupThousands(bytes)} B`;
  if (bytes < 1024) return exact;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${exact} (${value.toFixed(1)} ${units[unit]})`;
}

/** `CONV_2D x9, DEPTHWISE_CONV_2D x8, ...`, most frequent first. */
export function formatHistogram(histogram: Record<string, number>): string {
  return Object.entries(histogram)
    .sort((a, b) => b[1] - a[1] || compareNames(a[0], b[0]))
    .map(([op, n]) => `${op} x${n}`)
    .join(', ');
}

/** 0.042 ms, 12.3 ms: latencies from benchmarks, sub-millisecond ones with three decimals. */
export function formatMs(value: number): string {
  return `${value < 1 ? value.toFixed(3) : value.toFixed(1)} ms`;
}
