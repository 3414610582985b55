import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { formatMoney } from '../lib/money';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export interface Series {
  name: string;
  points: { day: string; price: string }[];
}

/** The 90-day price history, one line per offer. Prices go to ECharts only for drawing. */
export default function PriceChart({ series }: { series: Series[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
    chart.setOption({
      tooltip: { trigger: 'axis', valueFormatter: (value: unknown) => formatMoney(String(value)) },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 64, right: 16, top: 16, bottom: 48 },
      xAxis: { type: 'category', data: series[0]?.points.map((p) => p.day) ?? [] },
      yAxis: { type: 'value', scale: true, axisLabel: { formatter: (v: number) => `¥${v}` } },
      series: series.map((s) => ({ name: s.name, type: 'line', showSymbol: false, step: 'end', data: s.points.map((p) => p.price) })),
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [series]);
  return <div ref={ref} role="img" aria-label="近 90 天价格走势图" style={{ width: '100%', height: 300 }} />;
}
