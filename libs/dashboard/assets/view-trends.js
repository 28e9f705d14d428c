import { get, queryOf } from './api.js';
import { append, chart, date, filterForm, h, num, table } from './ui.js';

/**
 * NPS, CSAT and CES over time, each with its 95 % margin of error as a band: NPS's own margin,
 * CSAT's and CES's 1.96 standard errors. Empty buckets are gaps, not zeros.
 */
const METRICS = [
  {
    kind: 'nps',
    title: 'NPS',
    unit: '',
    value: (p) => p.nps,
    margin: (p) => p.marginOfError,
    range: [-100, 100],
  },
  {
    kind: 'csat',
    title: 'CSAT (% satisfied, 4–5)',
    unit: ' %',
    value: (p) => p.csat,
    margin: (p) => (p.csatStandardError === null ? null : 1.96 * p.csatStandardError),
    range: [0, 100],
  },
  {
    kind: 'ces',
    title: 'CES (mean effort, 1–7, lower is better)',
    unit: '',
    value: (p) => p.mean,
    margin: (p) => (p.standardError === null ? null : 1.96 * p.standardError),
    range: [1, 7],
  },
];

const PRESETS = { '12w': ['week', 12 * 7], '6m': ['month', 183], '12m': ['month', 365] };

export async function trendsView({ params, navigate }) {
  const interval = params.interval ?? 'week';
  const query = { from: params.from, to: params.to, interval, channel: params.channel };
  const trends = await Promise.all(
    METRICS.map((metric) => get(`/v1/analytics/${metric.kind}`, query)),
  );
  const root = h('section', { class: 'view', 'aria-labelledby': 'trends-title' });
  root.dataset.query = queryOf(query);
  append(
    root,
    h('h1', { id: 'trends-title' }, 'Survey trends'),
    filterForm(
      [
        {
          name: 'interval',
          label: 'Interval',
          value: interval,
          options: [
            ['day', 'Day'],
            ['week', 'Week'],
            ['month', 'Month'],
          ],
        },
        { name: 'from', label: 'From', type: 'date', value: params.from ?? trends[0].from },
        { name: 'to', label: 'To', type: 'date', value: params.to ?? trends[0].to },
        {
          name: 'channel',
          label: 'Channel',
          value: params.channel ?? '',
          options: [['', 'All'], ...channels().map((c) => [c, c])],
        },
      ],
      (values) => navigate('/trends', values),
    ),
    h(
      'div',
      { class: 'presets', role: 'group', 'aria-label': 'Periods' },
      Object.entries(PRESETS).map(([label, [presetInterval, days]]) =>
        h(
          'button',
          {
            type: 'button',
            class: 'chip',
            onClick: () =>
              navigate('/trends', {
                interval: presetInterval,
                from: isoDay(-days),
                to: isoDay(0),
                channel: params.channel,
              }),
          },
          `Last ${label}`,
        ),
      ),
    ),
  );
  METRICS.forEach((metric, i) => append(root, metricPanel(metric, trends[i], root)));
  return root;
}

function metricPanel(metric, trend, root) {
  const points = trend.series[0]?.points ?? [];
  const answered = points.filter((p) => p.n > 0);
  const last = answered[answered.length - 1];
  const chartEl = h('div', {
    class: 'chart',
    dataset: { chart: metric.kind },
    role: 'img',
    'aria-label': `${metric.title} by ${trend.interval}, ${trend.from} to ${trend.to}`,
  });
  root.addEventListener('attached', () => chart(chartEl, option(metric, trend.interval, points)));
  return h(
    'article',
    { class: 'card', dataset: { metric: metric.kind } },
    h(
      'header',
      { class: 'card-head' },
      h('h2', {}, metric.title),
      h(
        'p',
        { class: 'headline' },
        last
          ? [
              h('strong', { dataset: { value: 'latest' } }, num(metric.value(last))),
              ` ± ${num(metric.margin(last))}${metric.unit} · n = ${last.n} (${date(last.start)})`,
            ]
          : 'No answers in this period',
      ),
    ),
    chartEl,
    h(
      'details',
      {},
      h('summary', {}, 'Numbers'),
      table(
        `${metric.title} per ${trend.interval}`,
        ['Period', 'n', metric.kind.toUpperCase(), '± 95 %', 'Change'],
        points.map((p) =>
          h(
            'tr',
            { dataset: { start: p.start } },
            h('td', {}, `${date(p.start)} – ${date(p.end)}`),
            h('td', { dataset: { field: 'n' } }, p.n),
            h('td', { dataset: { field: 'value' } }, num(metric.value(p))),
            h('td', { dataset: { field: 'margin' } }, num(metric.margin(p))),
            h('td', {}, changeText(metric, p)),
          ),
        ),
      ),
    ),
  );
}

function changeText(metric, point) {
  const change =
    metric.kind === 'nps' ? point.change : point.change?.[metric.kind === 'csat' ? 'csat' : 'mean'];
  if (!change || change.change === null) return '–';
  const sign = change.change > 0 ? '+' : '';
  return `${sign}${num(change.change)}${change.significant ? ' (significant)' : ''}`;
}

function option(metric, interval, points) {
  const labels = points.map((p) => p.start);
  const value = points.map((p) => round(metric.value(p)));
  const lower = points.map((p) => {
    const v = metric.value(p);
    const m = metric.margin(p);
    return v === null || m === null ? null : round(Math.max(metric.range[0], v - m));
  });
  const band = points.map((p, i) => {
    const v = metric.value(p);
    const m = metric.margin(p);
    return v === null || m === null ? null : round(Math.min(metric.range[1], v + m) - lower[i]);
  });
  return {
    animation: false,
    grid: { left: 44, right: 16, top: 24, bottom: 56 },
    tooltip: {
      trigger: 'axis',
      formatter: (items) => {
        const p = points[items[0].dataIndex];
        if (p.n === 0) return `${p.start} – ${p.end}<br>no answers`;
        return `${p.start} – ${p.end}<br>${metric.kind.toUpperCase()} ${num(metric.value(p))} ± ${num(metric.margin(p))}${metric.unit} (n = ${p.n})`;
      },
    },
    legend: { bottom: 0, data: [metric.kind.toUpperCase(), '95 % band'] },
    xAxis: { type: 'category', data: labels, boundaryGap: false, name: interval },
    yAxis: { type: 'value', min: metric.range[0], max: metric.range[1] },
    series: [
      {
        // The band: an invisible lower edge, and the width stacked on it.
        id: 'band-lower',
        name: 'lower',
        type: 'line',
        data: lower,
        stack: 'band',
        // Stack across signs: an NPS band often runs from below 0 to above it.
        stackStrategy: 'all',
        lineStyle: { opacity: 0 },
        symbol: 'none',
        tooltip: { show: false },
      },
      {
        id: 'band',
        name: '95 % band',
        type: 'line',
        data: band,
        stack: 'band',
        stackStrategy: 'all',
        lineStyle: { opacity: 0 },
        areaStyle: { color: 'rgba(37, 99, 235, 0.18)' },
        itemStyle: { color: 'rgba(37, 99, 235, 0.35)' },
        symbol: 'none',
      },
      {
        id: 'value',
        name: metric.kind.toUpperCase(),
        type: 'line',
        data: value,
        connectNulls: false,
        symbolSize: 7,
        lineStyle: { width: 2, color: '#1d4ed8' },
        itemStyle: { color: '#1d4ed8' },
      },
    ],
  };
}

function round(v) {
  return v === null || v === undefined ? null : Math.round(v * 100) / 100;
}

function isoDay(offsetDays) {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** The catalogue's channels (libs/touchpoints CHANNELS); the API refuses any other. */
function channels() {
  return ['web', 'app', 'store', 'phone', 'email', 'chat', 'social', 'other'];
}
