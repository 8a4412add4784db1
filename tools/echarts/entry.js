// The ECharts subset the dashboard draws with: line charts on a grid, with
// tooltips, legends and threshold lines, on canvas. Exposed as the global
// `echarts` (the app binds to it from Rust).
import { init, use } from "echarts/core";
import { LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

use([LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

globalThis.echarts = { init };
