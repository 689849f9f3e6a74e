// `pnpm bench:convert`: time and peak memory of converting the Fashion-MNIST CNN to int8 with 200
// calibration samples, for each calibration method, each in a fresh process, side by side.
// Target on these 2-core machines (issue #4): minmax under 20 s and under 2 GB.
// Then a MobileNetV2-class model (3.5M parameters, 224x224x3, seeded weights) to int8 with 200 calibration
// crops of the shipped photo, verify included (issue #9: at most 20 s and 2 GB).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mobileNetV2ModelJson } from './mobilenet-v2.js';

const once = fileURLToPath(new URL('./convert-once.ts', import.meta.url));
const rows = ['minmax', 'percentile', 'mse'].map((method) => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--conditions', 'borde-source', once, method, '200'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as { method: string; ms: number; maxRssMb: number; sizeRatio: number; agreement: number };
});
const minmax = rows[0]!;
console.log('Fashion-MNIST CNN -> int8, 200 calibration samples (fresh process each)');
console.log('method      time (s)   peak RSS (MB)   int8/float32 size   agreement   time vs minmax');
for (const r of rows) {
  console.log(`${r.method.padEnd(11)} ${(r.ms / 1000).toFixed(2).padStart(8)}   ${String(r.maxRssMb).padStart(13)}   ${r.sizeRatio.toFixed(3).padStart(17)}   ${(100 * r.agreement).toFixed(2).padStart(8)}%   ${(r.ms / minmax.ms).toFixed(2).padStart(13)}x`);
}
console.log(`target: minmax under 20 s and 2048 MB -> ${minmax.ms < 20_000 && minmax.maxRssMb < 2048 ? 'met' : 'NOT met'}`);

await mobileNetV2ModelJson(); // built and saved once, outside the measured process
const mobileOut = execFileSync(process.execPath, ['--import', 'tsx', '--conditions', 'borde-source', once, 'minmax', '200', 'mobilenet'], { encoding: 'utf8' });
const mobile = JSON.parse(mobileOut.trim().split('\n').pop()!) as { ms: number; cpuMs: number; maxRssMb: number; sizeRatio: number; agreement: number; parameters: number };
console.log(`\nMobileNetV2-class model (${(mobile.parameters / 1e6).toFixed(2)}M parameters, 224x224x3, seeded weights) -> int8, ` +
  '200 calibration crops of the shipped photo, verify included (fresh process)');
console.log(`minmax: ${(mobile.ms / 1000).toFixed(2)} s (CPU ${(mobile.cpuMs / 1000).toFixed(2)} s), peak RSS ${mobile.maxRssMb} MB, int8/float32 size ${mobile.sizeRatio.toFixed(3)}, ` +
  `agreement ${(100 * mobile.agreement).toFixed(2)}% (meaningless with random weights: a near-uniform 1000-way softmax ` +
  'is below one int8 step of 1/256, so every int8 argmax is class 0)');
console.log(`target: under 20 s and 2048 MB -> ${mobile.ms < 20_000 && mobile.maxRssMb < 2048 ? 'met' : 'NOT met'}`);
