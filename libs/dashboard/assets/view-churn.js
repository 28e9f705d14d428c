import { ApiError, get, queryOf } from './api.js';
import { append, chart, date, filterForm, h, money, notice, percent, table } from './ui.js';

const BANDS = ['critical', 'high', 'medium', 'low'];
const BAND_COLORS = { critical: '#b91c1c', high: '#ea580c', medium: '#ca8a04', low: '#15803d' };

/**
 * Customers at risk, sorted by risk × value (value at risk: score / 100 × 12-month CLV), with the
 * reasons in words and a band filter.
 */
export async function churnView({ params, navigate }) {
  const query = { band: params.band, limit: Number(params.limit ?? 50) };
  let page;
  try {
    page = await get('/v1/analytics/churn', query);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return h(
        'section',
        { class: 'view' },
        h('h1', {}, 'Churn risk'),
        notice('No churn model has been fitted yet.'),
      );
    }
    throw error;
  }
  const items = page.items ?? [];
  const root = h('section', { class: 'view', 'aria-labelledby': 'churn-title' });
  root.dataset.query = queryOf(query);
  const chartEl = h('div', {
    class: 'chart',
    dataset: { chart: 'churn' },
    role: 'img',
    'aria-label': 'Value at risk of the customers listed, by band',
  });
  root.addEventListener('attached', () => chart(chartEl, option(items)));
  append(
    root,
    h('h1', { id: 'churn-title' }, 'Churn risk'),
    page.asOf ? h('p', { class: 'lede' }, `Scored as of ${date(page.asOf)}.`) : null,
    filterForm(
      [
        {
          name: 'band',
          label: 'Band',
          value: params.band ?? '',
          options: [['', 'All'], ...BANDS.map((b) => [b, b])],
        },
        {
          name: 'limit',
          label: 'Show',
          value: String(query.limit),
          options: [
            ['20', '20'],
            ['50', '50'],
            ['100', '100'],
          ],
        },
      ],
      (values) => navigate('/churn', values),
    ),
    items.length === 0
      ? notice('No customer in this band.')
      : [
          h('article', { class: 'card' }, h('h2', {}, 'Value at risk'), chartEl),
          table(
            'Customers by risk × value',
            ['Customer', 'Risk', 'Band', 'P(alive)', '12-month CLV', 'Value at risk', 'Reasons'],
            items.map((c) =>
              h(
                'tr',
                { dataset: { customer: c.customerId } },
                h(
                  'td',
                  {},
                  h('a', { href: `#/customers/${encodeURIComponent(c.customerId)}` }, c.customerId),
                ),
                h('td', { class: 'num', dataset: { field: 'score' } }, c.score),
                h('td', {}, h('span', { class: `band band-${c.band}` }, c.band)),
                h('td', { class: 'num' }, percent(c.pAlive, 0)),
                h('td', { class: 'num' }, money(c.clv12m)),
                h('td', { class: 'num', dataset: { field: 'valueAtRisk' } }, money(c.valueAtRisk)),
                h(
                  'td',
                  {},
                  h(
                    'ul',
                    { class: 'reasons' },
                    (c.reasons ?? []).map((r) => h('li', {}, r.text)),
                  ),
                ),
              ),
            ),
            { class: 'churn' },
          ),
        ],
  );
  return root;
}

function option(items) {
  return {
    animation: false,
    grid: { left: 64, right: 16, top: 16, bottom: 72 },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: items.map((c) => c.customerId),
      axisLabel: { rotate: 45, fontSize: 10 },
    },
    yAxis: { type: 'value', name: 'value at risk' },
    series: [
      {
        id: 'valueAtRisk',
        name: 'Value at risk',
        type: 'bar',
        data: items.map((c) => ({
          value: Math.round(c.valueAtRisk * 100) / 100,
          itemStyle: { color: BAND_COLORS[c.band] ?? '#64748b' },
        })),
      },
    ],
  };
}
