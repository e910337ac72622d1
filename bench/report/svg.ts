/**
 * The benchmark chart, written by hand as SVG (no chart library, no external service):
 * one panel per figure, grouped bars per scenario, one colour per server.
 */
import type { TargetName } from '../lib/targets.js';

export interface Panel {
  title: string;
  unit: string;
  /** Scenario label -> value per server (missing = not measured). */
  groups: { label: string; values: Partial<Record<TargetName, number>> }[];
}

const COLORS: Record<TargetName, string> = {
  'raw-ws': '#8a8f98',
  durable: '#4aa37a',
  socketio: '#e0a030',
  causette: '#2f6fdf',
};
const W = 440;
const H = 240;
const PAD = { top: 34, right: 12, bottom: 42, left: 56 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function fmt(v: number): string {
  if (v >= 10_000) return `${(v / 1000).toFixed(0)}k`;
  if (v >= 1000) return `${(v / 1000).toFixed(1)}k`;
  if (v >= 10) return v.toFixed(0);
  return v.toFixed(2);
}

/** Axis ticks: a "nice" step (1, 2, 2.5 or 5 times a power of ten), 3 to 5 of them. */
function axis(v: number): { max: number; step: number } {
  if (!(v > 0)) return { max: 1, step: 0.25 };
  const raw = v / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((x) => x >= raw) ?? 10 * p;
  return { max: step * Math.ceil(v / step), step };
}

/** Axis labels: like `fmt`, without trailing zeros. */
const tick = (v: number) =>
  v === 0
    ? '0'
    : fmt(v)
        .replace(/\.0+(k?)$/, '$1')
        .replace(/(\.\d*?)0+(k?)$/, '$1$2');

function panel(p: Panel, x0: number, y0: number, targets: readonly TargetName[]): string {
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const all = p.groups.flatMap((g) => Object.values(g.values)).filter((v) => Number.isFinite(v));
  const { max, step } = axis(Math.max(0, ...all));
  const ticks = Math.round(max / step);
  const out: string[] = [`<g transform="translate(${x0},${y0})">`];
  out.push(`<text x="${W / 2}" y="18" text-anchor="middle" class="t">${esc(p.title)}</text>`);
  for (let i = 0; i <= ticks; i++) {
    const y = PAD.top + ih - (ih * i) / ticks;
    out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" class="g"/>`);
    out.push(`<text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${tick(step * i)}</text>`);
  }
  out.push(
    `<text transform="translate(14,${PAD.top + ih / 2}) rotate(-90)" text-anchor="middle">${esc(p.unit)}</text>`,
  );
  const gw = iw / p.groups.length;
  const bw = Math.min(34, (gw * 0.8) / targets.length);
  p.groups.forEach((g, gi) => {
    const gx = PAD.left + gi * gw + (gw - bw * targets.length) / 2;
    targets.forEach((t, ti) => {
      const v = g.values[t];
      const x = gx + ti * bw;
      if (v === undefined || !Number.isFinite(v)) {
        out.push(
          `<text x="${x + bw / 2}" y="${PAD.top + ih - 4}" text-anchor="middle" class="s">n/a</text>`,
        );
        return;
      }
      const h = (ih * v) / max;
      const y = PAD.top + ih - h;
      out.push(
        `<rect x="${x + 1}" y="${y}" width="${bw - 2}" height="${h}" fill="${COLORS[t]}"><title>${t}: ${fmt(v)} ${esc(p.unit)}</title></rect>`,
      );
      out.push(
        `<text x="${x + bw / 2}" y="${y - 3}" text-anchor="middle" class="s">${fmt(v)}</text>`,
      );
    });
    out.push(
      `<text x="${PAD.left + gi * gw + gw / 2}" y="${H - PAD.bottom + 16}" text-anchor="middle">${esc(g.label)}</text>`,
    );
  });
  out.push('</g>');
  return out.join('\n');
}

/** Panels laid out two per row, a legend and a caption line (machine, date, commit). */
export function chart(panels: Panel[], caption: string, targets: readonly TargetName[]): string {
  const cols = 2;
  const rows = Math.ceil(panels.length / cols);
  const width = cols * W;
  const height = rows * H + 56;
  const legend = targets
    .map(
      (t, i) =>
        `<rect x="${12 + i * 120}" y="${rows * H + 12}" width="12" height="12" fill="${COLORS[t]}"/>` +
        `<text x="${30 + i * 120}" y="${rows * H + 22}">${t}</text>`,
    )
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">
<style>.t{font-size:13px;font-weight:600}.s{font-size:10px;fill:#333}.g{stroke:#e4e4e4}</style>
<rect width="100%" height="100%" fill="#fff"/>
${panels.map((p, i) => panel(p, (i % cols) * W, Math.floor(i / cols) * H, targets)).join('\n')}
${legend}
<text x="12" y="${rows * H + 44}" class="s">${esc(caption)}</text>
</svg>
`;
}
