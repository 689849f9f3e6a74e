/** Per-layer SQNR as a horizontal bar chart in plain SVG (worst layer first; longer is better). */
export function sqnrChart(layers: readonly { name: string; sqnrDb: number }[]): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const rowHeight = 16;
  const labelWidth = 220;
  const barWidth = 420;
  const finite = layers.map((l) => (Number.isFinite(l.sqnrDb) ? l.sqnrDb : 99));
  const max = Math.max(1, ...finite);
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', String(labelWidth + barWidth + 60));
  svg.setAttribute('height', String(layers.length * rowHeight + 4));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'SQNR per layer in dB');
  layers.forEach((layer, i) => {
    const y = i * rowHeight + 2;
    const label = document.createElementNS(ns, 'text');
    label.setAttribute('x', String(labelWidth - 6));
    label.setAttribute('y', String(y + 11));
    label.setAttribute('text-anchor', 'end');
    label.textContent = layer.name.length > 34 ? `…${layer.name.slice(-33)}` : layer.name;
    const bar = document.createElementNS(ns, 'rect');
    const width = Math.max(1, (Math.max(0, finite[i]!) / max) * barWidth);
    bar.setAttribute('x', String(labelWidth));
    bar.setAttribute('y', String(y));
    bar.setAttribute('width', width.toFixed(1));
    bar.setAttribute('height', String(rowHeight - 4));
    // Below 20 dB an activation has lost much of its signal: worth a look.
    bar.setAttribute('fill', finite[i]! < 20 ? '#f87171' : finite[i]! < 30 ? '#fbbf24' : '#34d399');
    const value = document.createElementNS(ns, 'text');
    value.setAttribute('x', String(labelWidth + width + 4));
    value.setAttribute('y', String(y + 11));
    value.textContent = Number.isFinite(layer.sqnrDb) ? layer.sqnrDb.toFixed(1) : '∞';
    const row = document.createElementNS(ns, 'g');
    row.setAttribute('data-layer', layer.name);
    row.append(label, bar, value);
    svg.append(row);
  });
  return svg;
}
