import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { DateTime } from 'luxon';
import { median } from '../core/stats.js';
import type { Report } from './report.js';
import { dayIn } from './report.js';

/** What the digest's picture shows, computed from a report (pure, so a test can vary it). */
export interface ChartData {
  title: string;
  /** Median time to claim per day received, in minutes (null: no claims that day). */
  days: Array<{ day: string; claimMinutes: number | null }>;
  /** The median first-offer window of the period, in minutes: the line the bars should stay under. */
  slaMinutes: number | null;
  /**
   * First offers per agent beside what their weight's share of each rule's pool would give them:
   * the fairness table's figures, summed over the rules (leaders' and backups' offers are not turns).
   */
  agents: Array<{ name: string; offers: number; fairShare: number }>;
}

export function chartData(
  report: Report,
  names: (id: string) => string,
  zone: string,
  title: string,
): ChartData {
  const claimsByDay = new Map<string, number[]>();
  // Every day of the period, those without leads too, so the axis reads as a calendar.
  for (
    let day = DateTime.fromJSDate(report.since, { zone }).startOf('day');
    day.toJSDate() < report.until;
    day = day.plus({ days: 1 })
  )
    claimsByDay.set(day.toISODate() ?? '', []);
  const windows: number[] = [];
  if (!report.leads) throw new Error('a chart draws the leads: build its report withLeads');
  for (const lead of report.leads) {
    if (lead.merged) continue;
    const day = dayIn(lead.receivedAt, zone);
    const list = claimsByDay.get(day) ?? [];
    if (lead.claimedAt !== null) list.push((lead.claimedAt - lead.receivedAt) / 60_000);
    claimsByDay.set(day, list);
    if (lead.offerWindowSeconds !== null) windows.push(lead.offerWindowSeconds / 60);
  }
  const agents = new Map<string, { offers: number; fairShare: number }>();
  const ruleTotals = new Map<string, number>();
  for (const f of report.fairness) ruleTotals.set(f.rule, (ruleTotals.get(f.rule) ?? 0) + f.offers);
  for (const f of report.fairness) {
    const a = agents.get(f.agentId) ?? { offers: 0, fairShare: 0 };
    a.offers += f.offers;
    a.fairShare += (ruleTotals.get(f.rule) ?? 0) * f.weightShare;
    agents.set(f.agentId, a);
  }
  return {
    title,
    days: [...claimsByDay]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, minutes]) => ({ day, claimMinutes: median(minutes) })),
    slaMinutes: median(windows),
    agents: [...agents]
      .sort(([a], [b]) => names(a).localeCompare(names(b)))
      .map(([id, a]) => ({ name: names(id), ...a })),
  };
}

export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 800;

/**
 * The picture as SVG, drawn by ECharts' server-side renderer: no browser, no canvas, no native
 * build. Animation is off so the SVG is the final frame.
 */
export function chartSvg(data: ChartData): string {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
  });
  const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: 'DejaVu Sans, sans-serif' },
    title: [
      { text: data.title, left: 'center', top: 8 },
      {
        text: 'Median time to claim per day (min), against the SLA',
        left: 'center',
        top: 50,
        textStyle: { fontSize: 14 },
      },
      {
        text: 'First offers per agent, against their share of each rule',
        left: 'center',
        top: 430,
        textStyle: { fontSize: 14 },
      },
    ],
    grid: [
      { left: 70, right: 40, top: 90, height: 280 },
      { left: 70, right: 40, top: 470, height: 270 },
    ],
    legend: { bottom: 8, data: ['time to claim', 'first offers', 'fair share'] },
    xAxis: [
      { gridIndex: 0, type: 'category', data: data.days.map((d) => d.day) },
      { gridIndex: 1, type: 'category', data: data.agents.map((a) => a.name) },
    ],
    yAxis: [
      {
        gridIndex: 0,
        type: 'value',
        name: 'min',
        // Up to the SLA at least: with every bar under it, the line it is measured against stays drawn.
        max: (extent: { max: number }) =>
          data.slaMinutes === null ? extent.max : Math.max(extent.max, Math.ceil(data.slaMinutes * 1.1)),
      },
      { gridIndex: 1, type: 'value', name: 'offers', minInterval: 1 },
    ],
    series: [
      {
        name: 'time to claim',
        type: 'bar',
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: data.days.map((d) => round(d.claimMinutes)),
        itemStyle: { color: '#2f6fb3' },
        markLine:
          data.slaMinutes === null
            ? undefined
            : {
                symbol: 'none',
                lineStyle: { color: '#c0392b', type: 'dashed', width: 2 },
                label: { formatter: `SLA ${round(data.slaMinutes)} min` },
                data: [{ yAxis: round(data.slaMinutes) }],
              },
      },
      {
        name: 'first offers',
        type: 'bar',
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: data.agents.map((a) => a.offers),
        itemStyle: { color: '#27ae60' },
      },
      {
        name: 'fair share',
        type: 'scatter',
        xAxisIndex: 1,
        yAxisIndex: 1,
        symbol: 'rect',
        symbolSize: [40, 4],
        data: data.agents.map((a) => round(a.fairShare)),
        itemStyle: { color: '#333333' },
      },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** The picture as PNG, rasterised by resvg (a Rust renderer shipped as a prebuilt npm package). */
export function chartPng(data: ChartData): Buffer {
  const resvg = new Resvg(chartSvg(data), {
    fitTo: { mode: 'width', value: CHART_WIDTH },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
