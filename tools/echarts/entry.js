// The ECharts subset the dashboard draws with: line charts on a grid, with
// tooltips, legends, threshold and alert lines, zoom on the time axis (the
// wheel, and dragging across a chart through the toolbox's box-zoom, its only
// toolbox feature), on canvas. Exposed as the global `echarts` (the app binds
// to it from Rust); `connect` links the charts' crosshairs and zoom.
import { connect, getInstanceByDom, init, use } from "echarts/core";
import { LineChart } from "echarts/charts";
import {
  DataZoomInsideComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import { install as installDataZoomSelect } from "echarts/lib/component/dataZoom/installDataZoomSelect.js";
import ToolboxModel from "echarts/lib/component/toolbox/ToolboxModel.js";
import ToolboxView from "echarts/lib/component/toolbox/ToolboxView.js";
import { registerFeature } from "echarts/lib/component/toolbox/featureManager.js";
import DataZoomFeature from "echarts/lib/component/toolbox/feature/DataZoom.js";

// The toolbox with its box-zoom only (the full ToolboxComponent also brings
// save-as-image, data view, magic type and restore, which the page does not use).
function BoxZoomComponent(registers) {
  registers.registerComponentModel(ToolboxModel);
  registers.registerComponentView(ToolboxView);
  registerFeature("dataZoom", DataZoomFeature);
  use(installDataZoomSelect);
}

use([
  LineChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  DataZoomInsideComponent,
  BoxZoomComponent,
  CanvasRenderer,
]);

// getInstanceByDom: what a drawn chart holds (its option, with the app's locale
// formatters) is readable from the page, as the E2E tests read it.
globalThis.echarts = { init, connect, getInstanceByDom };
