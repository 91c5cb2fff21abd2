/**
 * Chart.js with only what the manager's charts draw (bars, a line, category and linear scales,
 * tooltips). KpiChart imports this module with import(), so Chart.js is a chunk of its own that
 * only the manager's page fetches.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip);

export { Chart };
