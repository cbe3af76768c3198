// The webview bundle's entry: one bundle serves every Incident Replay page. The host's HTML names the page in
// <body data-view>: the timeline, the shard metrics chart, the bench chart or the mismatch-check verdict.
import { startCharts } from './charts-app';
import { isChartView } from './protocol';
import { startTimeline } from './timeline-app';
import { vscodeApi } from './vscode-api';

const view = document.body.dataset.view ?? 'timeline';
const api = vscodeApi();
if (isChartView(view)) startCharts(view, api);
else startTimeline(api);
