// "Save PNG" and "Save CSV" for a chart: the PNG is echarts' own rendering on the card's background
// colour (white or dark), the CSV is the chart's data table (exactly the plotted values).
import type { Ref } from 'vue';
import { exportBackground } from '../lib/chart-options';
import { buildCsv, type CsvCell } from './csv';
import { dataUrlToBlob, downloadBlob } from './download';

/** The part of the vue-echarts component instance this needs. */
export interface DataUrlSource {
  getDataURL(opts: { type?: 'png' | 'jpeg' | 'svg'; pixelRatio?: number; backgroundColor?: string }): string;
}

/** The table a chart plots: CSV header and rows. */
export interface ChartTable {
  header: string[];
  rows: CsvCell[][];
}

export function useChartExport(chart: Ref<DataUrlSource | null>, opts: { table: () => ChartTable; filename: () => string; dark: () => boolean }) {
  function savePng(): void {
    const c = chart.value;
    if (!c) return;
    const url = c.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: exportBackground(opts.dark()) });
    downloadBlob(dataUrlToBlob(url), `${opts.filename()}.png`);
  }

  function csvText(): string {
    const t = opts.table();
    return buildCsv(t.header, t.rows);
  }

  function saveCsv(): void {
    downloadBlob(new Blob([csvText()], { type: 'text/csv;charset=utf-8' }), `${opts.filename()}.csv`);
  }

  return { savePng, saveCsv, csvText };
}
