import { describe, expect, it } from 'vitest';
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  type ChartData,
  chartData,
  chartPng,
  chartSvg,
} from '../../src/reports/chart.js';
import { agentFigures, type FairnessRow, figuresOf } from '../../src/reports/measures.js';
import type { Report } from '../../src/reports/report.js';

const WEEK: ChartData = {
  title: 'Lakeside Realty Group: week to 2026-11-30',
  days: [
    { day: '2026-11-24', claimMinutes: 3 },
    { day: '2026-11-25', claimMinutes: 7.5 },
    { day: '2026-11-26', claimMinutes: null },
  ],
  slaMinutes: 5,
  agents: [
    { name: 'Dana Reyes', offers: 5, fairShare: 4 },
    { name: 'Priya Nair', offers: 1, fairShare: 2 },
  ],
};

/** Width and height from the PNG's IHDR chunk, which always comes first after the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('the digest chart', () => {
  it('is a PNG of a sensible size, rendered without a browser', () => {
    const png = chartPng(WEEK);
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
    expect(png.length).toBeGreaterThan(5_000);
    expect(png.length).toBeLessThan(1_000_000);
  });

  it('shows the data: its labels, the SLA line, and a different picture for different figures', () => {
    const svg = chartSvg(WEEK);
    for (const label of ['2026-11-25', 'Dana Reyes', 'Priya Nair', 'SLA 5 min']) expect(svg).toContain(label);
    const slower = chartPng({ ...WEEK, days: WEEK.days.map((d) => ({ ...d, claimMinutes: 12 })) });
    const fairer = chartPng({ ...WEEK, agents: WEEK.agents.map((a) => ({ ...a, offers: a.fairShare })) });
    const original = chartPng(WEEK);
    expect(chartPng(WEEK).equals(original)).toBe(true);
    expect(slower.equals(original)).toBe(false);
    expect(fairer.equals(original)).toBe(false);
    expect(pngSize(slower)).toEqual(pngSize(original));
  });
});

describe('the chart data', () => {
  const report = (fairness: FairnessRow[]): Report => {
    const empty = figuresOf([]);
    return {
      since: new Date('2026-11-23T06:00:00Z'),
      until: new Date('2026-11-30T06:00:00Z'),
      figures: empty,
      previous: empty,
      // A leader's claim and a backup's are in the agents table, not in anyone's turn.
      agents: agentFigures([]),
      fairness,
      leads: [],
    };
  };

  it("shows each agent's first offers against their share of each rule's pool, as the fairness table does", () => {
    const data = chartData(
      report([
        { rule: 'buyers', agentId: 'dana', offers: 3, share: 1, weightShare: 0.5 },
        { rule: 'buyers', agentId: 'priya', offers: 0, share: 0, weightShare: 0.5 },
        { rule: 'web', agentId: 'dana', offers: 1, share: 0.5, weightShare: 0.5 },
        { rule: 'web', agentId: 'ivy', offers: 1, share: 0.5, weightShare: 0.5 },
      ]),
      (id) => id,
      'America/Chicago',
      'week',
    );
    expect(data.agents).toEqual([
      { name: 'dana', offers: 4, fairShare: 2.5 },
      { name: 'ivy', offers: 1, fairShare: 1 },
      { name: 'priya', offers: 0, fairShare: 1.5 },
    ]);
  });

  it('has every day of the period on its axis, days without leads too', () => {
    const data = chartData(report([]), (id) => id, 'America/Chicago', 'week');
    expect(data.days).toEqual(
      ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29'].map(
        (day) => ({ day, claimMinutes: null }),
      ),
    );
  });

  it('keeps the SLA line when every bar is under it', () => {
    const quick = chartSvg({ ...WEEK, days: WEEK.days.map((d) => ({ ...d, claimMinutes: 1 })) });
    expect(quick).toContain('SLA 5 min');
  });
});
