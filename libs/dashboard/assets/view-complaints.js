import { get, queryOf } from './api.js';
import { append, chart, duration, filterForm, h, percent, table } from './ui.js';

const GROUP_BYS = [
  ['category', 'Category'],
  ['severity', 'Severity'],
  ['channel', 'Channel'],
];

/** Complaint service levels: response and resolution times, resolution, reopen and survey rates. */
export async function complaintsView({ params, navigate }) {
  const groupBy = params.groupBy ?? 'severity';
  const query = { from: params.from, to: params.to, groupBy };
  const levels = await get('/v1/analytics/complaints', query);
  const root = h('section', { class: 'view', 'aria-labelledby': 'complaints-title' });
  root.dataset.query = queryOf(query);
  const overall = levels.overall;
  const kpis = [
    ['opened', 'Opened', overall.opened],
    ['firstResponseP50', 'First response p50', duration(overall.timeToFirstResponse.p50Seconds)],
    ['firstResponseP90', 'First response p90', duration(overall.timeToFirstResponse.p90Seconds)],
    ['resolutionP50', 'Resolution p50', duration(overall.timeToResolution.p50Seconds)],
    ['resolutionP90', 'Resolution p90', duration(overall.timeToResolution.p90Seconds)],
    ['resolutionRate', 'Resolved', percent(overall.resolutionRate)],
    ['reopenRate', 'Reopened', percent(overall.reopenRate)],
    ['surveyFollowUpRate', 'Surveyed within 48 h', percent(overall.surveyFollowUpRate)],
  ];
  const chartEl = h('div', {
    class: 'chart',
    dataset: { chart: 'complaints' },
    role: 'img',
    'aria-label': `Hours to first response and to resolution by ${groupBy}`,
  });
  root.addEventListener('attached', () => chart(chartEl, option(levels.groups)));
  append(
    root,
    h('h1', { id: 'complaints-title' }, 'Complaint service levels'),
    filterForm(
      [
        { name: 'from', label: 'Opened from', type: 'date', value: params.from ?? levels.from },
        { name: 'to', label: 'Opened to', type: 'date', value: params.to ?? levels.to },
        { name: 'groupBy', label: 'By', value: groupBy, options: GROUP_BYS },
      ],
      (values) => navigate('/complaints', values),
    ),
    h(
      'ul',
      { class: 'kpis', 'aria-label': 'Overall' },
      kpis.map(([field, label, value]) =>
        h(
          'li',
          { class: 'kpi' },
          h('span', {}, label),
          h('strong', { dataset: { kpi: field } }, value),
        ),
      ),
    ),
    levels.groups.length === 0
      ? h('p', { class: 'notice' }, 'No complaint was opened in this period.')
      : [
          h('article', { class: 'card' }, h('h2', {}, `Hours by ${groupBy}`), chartEl),
          table(
            `Service levels by ${groupBy}`,
            [
              groupBy,
              'Opened',
              'Responded',
              'Resolved',
              'First response p50 / p90',
              'Resolution p50 / p90',
              'Reopened',
              'Surveyed',
            ],
            levels.groups.map((g) =>
              h(
                'tr',
                { dataset: { group: g.group } },
                h('th', { scope: 'row' }, g.group),
                h('td', { class: 'num', dataset: { field: 'opened' } }, g.opened),
                h('td', { class: 'num' }, g.responded),
                h('td', { class: 'num', dataset: { field: 'resolved' } }, g.resolved),
                h(
                  'td',
                  {},
                  `${duration(g.timeToFirstResponse.p50Seconds)} / ${duration(g.timeToFirstResponse.p90Seconds)}`,
                ),
                h(
                  'td',
                  {},
                  `${duration(g.timeToResolution.p50Seconds)} / ${duration(g.timeToResolution.p90Seconds)}`,
                ),
                h('td', {}, percent(g.reopenRate)),
                h('td', {}, percent(g.surveyFollowUpRate)),
              ),
            ),
          ),
        ],
  );
  return root;
}

const hours = (seconds) => (seconds === null ? null : Math.round((seconds / 3600) * 100) / 100);

function option(groups) {
  const bar = (id, name, pick, color) => ({
    id,
    name,
    type: 'bar',
    data: groups.map((g) => hours(pick(g))),
    itemStyle: { color },
  });
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 24, bottom: 64 },
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    xAxis: { type: 'category', data: groups.map((g) => g.group), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', name: 'hours' },
    series: [
      bar('response-p50', 'First response p50', (g) => g.timeToFirstResponse.p50Seconds, '#60a5fa'),
      bar('response-p90', 'First response p90', (g) => g.timeToFirstResponse.p90Seconds, '#1d4ed8'),
      bar('resolution-p50', 'Resolution p50', (g) => g.timeToResolution.p50Seconds, '#fbbf24'),
      bar('resolution-p90', 'Resolution p90', (g) => g.timeToResolution.p90Seconds, '#b45309'),
    ],
  };
}
