// Callbacks per hour over 24 hours, stacked by outcome, as a hand-drawn SVG:
// no chart library. The SVG is one image with a title and a description that
// states the totals; the same numbers sit in a visually hidden table for
// screen readers. Colours: blue, grey and orange (told apart with the common
// colour-vision deficiencies), each at least 4.5:1 on white, with white gaps
// between stacked segments, and a legend in text. Hours are shown in the
// viewer's display zone, which the caption names.
import { useFormatter, useLocale, useTimeZone, useTranslations } from "next-intl";
import { useId } from "react";
import type { HourBucket } from "@/lib/portal/dashboard";

type Series = { key: "accepted" | "refused" | "failed"; colour: string; swatch: string };

export const CHART_SERIES: readonly Series[] = [
  // blue-700 #1d4ed8 (6.7:1), slate-600 #475569 (7.6:1), orange-700 #c2410c (5.2:1) on white; theme variables, so dark mode mirrors them.
  { key: "accepted", colour: "var(--color-blue-700)", swatch: "bg-blue-700" },
  { key: "refused", colour: "var(--color-slate-600)", swatch: "bg-slate-600" },
  { key: "failed", colour: "var(--color-orange-700)", swatch: "bg-orange-700" },
];

/** An hour's start on the axis: "14:00" in the display zone (24-hour; "05:30" in a zone with a half-hour offset). */
const HOUR_FORMAT = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" } as const satisfies Intl.DateTimeFormatOptions;

const WIDTH = 720;
const HEIGHT = 240;
const M = { top: 12, right: 12, bottom: 28, left: 44 };

/** Whole-number axis: a round step (1, 2, 5 × 10^n) giving at most 5 steps up to the largest hour. */
export function axisScale(value: number): { max: number; step: number } {
  for (let p = 1; ; p *= 10) {
    for (const f of [1, 2, 5]) {
      const step = f * p;
      const steps = Math.max(1, Math.ceil(value / step));
      if (steps <= 5) return { max: steps * step, step };
    }
  }
}

export function CallbacksChart({ hours }: { hours: HourBucket[] }) {
  const t = useTranslations("dashboard.chart");
  const format = useFormatter();
  const zone = useTimeZone() ?? "UTC";
  // Chinese sentences follow one another without a space.
  const sentenceGap = useLocale() === "zh-CN" ? "" : " ";
  const hourOf = (iso: string) => format.dateTime(new Date(iso), HOUR_FORMAT);
  const id = useId();
  const totals = { accepted: 0, refused: 0, failed: 0 };
  for (const h of hours) {
    totals.accepted += h.accepted;
    totals.refused += h.refused;
    totals.failed += h.failed;
  }
  const sum = (h: HourBucket) => h.accepted + h.refused + h.failed;
  const busiest = hours.reduce<HourBucket | undefined>((best, h) => (!best || sum(h) > sum(best) ? h : best), undefined);
  const { max, step } = axisScale(Math.max(0, ...hours.map(sum)));
  const plotW = WIDTH - M.left - M.right;
  const plotH = HEIGHT - M.top - M.bottom;
  const slot = plotW / Math.max(1, hours.length);
  const barW = Math.max(2, slot * 0.7);
  const y = (v: number) => M.top + plotH - (v / max) * plotH;
  const ticks = Array.from({ length: max / step + 1 }, (_, i) => i * step);
  const first = hours[0]?.hourStart;
  const last = hours[hours.length - 1]?.hourStart;
  const description = [
    first && last ? t("range", { count: hours.length, from: hourOf(first), to: hourOf(last), zone }) : t("noBars"),
    t("totals", totals),
    busiest && sum(busiest) > 0 ? t("busiest", { hour: hourOf(busiest.hourStart), count: sum(busiest) }) : t("quiet"),
  ].join(sentenceGap);

  return (
    <figure>
      <ul className="mb-2 flex flex-wrap gap-4 text-sm text-slate-800" aria-hidden="true">
        {CHART_SERIES.map((s) => (
          <li key={s.key} className="flex items-center gap-2">
            <span className={`inline-block h-3 w-3 rounded-sm ${s.swatch}`} />
            <span>
              {t.rich("legend", {
                label: t(`series.${s.key}`),
                count: format.number(totals[s.key]),
                n: (chunks) => <span className="tabular-nums">{chunks}</span>,
              })}
            </span>
          </li>
        ))}
      </ul>
      <svg
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-auto w-full"
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={`${id}-title`}>{t("title")}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={M.left} x2={WIDTH - M.right} y1={y(t)} y2={y(t)} stroke="var(--color-slate-200)" strokeWidth={1} />
            <text x={M.left - 6} y={y(t)} dy="0.32em" textAnchor="end" fontSize={11} fill="var(--color-slate-700)">
              {t}
            </text>
          </g>
        ))}
        {hours.map((h, i) => {
          const x = M.left + i * slot + (slot - barW) / 2;
          let base = 0;
          return (
            <g key={h.hourStart}>
              <title>{t("barTitle", { hour: hourOf(h.hourStart), accepted: h.accepted, refused: h.refused, failed: h.failed })}</title>
              {CHART_SERIES.map((s) => {
                const v = h[s.key];
                if (v === 0) return null;
                const top = y(base + v);
                const height = y(base) - top;
                base += v;
                return <rect key={s.key} x={x} y={top} width={barW} height={Math.max(1, height)} fill={s.colour} stroke="var(--color-white)" strokeWidth={1} />;
              })}
              {i % 3 === 0 ? (
                <text x={x + barW / 2} y={HEIGHT - M.bottom + 16} textAnchor="middle" fontSize={11} fill="var(--color-slate-700)">
                  {hourOf(h.hourStart)}
                </text>
              ) : null}
            </g>
          );
        })}
        <line x1={M.left} x2={WIDTH - M.right} y1={y(0)} y2={y(0)} stroke="var(--color-slate-500)" strokeWidth={1} />
      </svg>
      <figcaption className="mt-1 text-xs text-slate-600">{t("caption", { zone })}</figcaption>
      <table className="sr-only">
        <caption>{t("tableCaption", { zone })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("hourColumn", { zone })}</th>
            {CHART_SERIES.map((s) => (
              <th key={s.key} scope="col">
                {t(`series.${s.key}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {hours.map((h) => (
            <tr key={h.hourStart}>
              <th scope="row">{hourOf(h.hourStart)}</th>
              <td>{h.accepted}</td>
              <td>{h.refused}</td>
              <td>{h.failed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
