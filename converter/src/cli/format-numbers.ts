/** 229,032 B (223.7 KiB): exact bytes first, then a readable size. */
export function formatBytes(bytes: number): string {
  const exact = `${bytes.toLocaleString('en-US')} B`;
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
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([op, n]) => `${op} x${n}`)
    .join(', ');
}

/** 0.042 ms, 12.3 ms: latencies from benchmarks, sub-millisecond ones with three decimals. */
export function formatMs(value: number): string {
  return `${value < 1 ? value.toFixed(3) : value.toFixed(1)} ms`;
}
