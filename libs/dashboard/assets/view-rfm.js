import { ApiError, get, queryOf } from './api.js';
import { append, chart, date, h, money, notice, table } from './ui.js';

/**
 * The RFM grid: R (rows, 5 at the top) × F (columns) as a heat map of customer counts, each cell
 * labelled with its segment. Choosing a cell (click, or the segment buttons for keyboards and
 * screen readers) lists the segment's customers.
 */
export async function rfmView({ params, navigate }) {
  let distribution;
  try {
    distribution = await get('/v1/analytics/rfm');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return h(
        'section',
        { class: 'view' },
        h('h1', {}, 'RFM'),
        notice('No RFM snapshot has been computed yet.'),
      );
    }
    throw error;
  }
  const root = h('section', { class: 'view', 'aria-labelledby': 'rfm-title' });
  const chartEl = h('div', {
    class: 'chart chart-square',
    dataset: { chart: 'rfm' },
    role: 'img',
    'aria-label': `Customers by recency and frequency score, ${distribution.customers} customers`,
  });
  root.addEventListener('attached', () => {
    const instance = chart(chartEl, option(distribution.grid));
    instance.on('click', (event) => {
      const cell = distribution.grid[event.dataIndex];
      if (cell) navigate('/rfm', { segment: cell.segment });
    });
  });
  append(
    root,
    h('h1', { id: 'rfm-title' }, 'RFM'),
    h(
      'p',
      { class: 'lede' },
      `${distribution.customers} customers with purchases, as of ${date(distribution.asOf)}; frequency and monetary over ${distribution.windowDays} days.`,
    ),
    h('article', { class: 'card' }, h('h2', {}, 'Recency × frequency'), chartEl),
    h(
      'div',
      { class: 'presets', role: 'group', 'aria-label': 'Segments' },
      distribution.segments.map((s) =>
        h(
          'button',
          {
            type: 'button',
            class: 'chip',
            'aria-pressed': String(params.segment === s.segment),
            dataset: { segment: s.segment, customers: String(s.customers) },
            onClick: () => navigate('/rfm', { segment: s.segment }),
          },
          `${s.label} · ${s.customers}`,
        ),
      ),
    ),
  );
  if (params.segment) append(root, await segmentCustomers(params));
  return root;
}

async function segmentCustomers(params) {
  const query = { segment: params.segment, cursor: params.cursor, limit: 50 };
  const page = await get('/v1/analytics/rfm/customers', query);
  const items = page.items ?? [];
  const section = h('article', { class: 'card', dataset: { query: queryOf(query) } });
  section.append(
    table(
      `Customers in ${params.segment.replace(/_/g, ' ')}`,
      ['Customer', 'R', 'F', 'M', 'Recency (days)', 'Purchases', 'Net spend'],
      items.map((c) =>
        h(
          'tr',
          { dataset: { customer: c.customerId } },
          h(
            'td',
            {},
            h('a', { href: `#/customers/${encodeURIComponent(c.customerId)}` }, c.customerId),
          ),
          h('td', { class: 'num' }, c.r),
          h('td', { class: 'num' }, c.f),
          h('td', { class: 'num' }, c.m),
          h('td', { class: 'num' }, c.recency),
          h('td', { class: 'num' }, c.frequency),
          h('td', { class: 'num' }, money(c.monetary)),
        ),
      ),
      { class: 'rfm-customers' },
    ),
  );
  if (items.length === 0) section.append(notice('No customer in this segment.'));
  return section;
}

function option(grid) {
  const max = Math.max(1, ...grid.map((c) => c.customers));
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 16, bottom: 96 },
    tooltip: {
      formatter: (p) => {
        const c = grid[p.dataIndex];
        return `R ${c.r} · F ${c.f}<br>${c.label}: ${c.customers}`;
      },
    },
    xAxis: {
      type: 'category',
      data: ['1', '2', '3', '4', '5'],
      name: 'F (frequency score)',
      nameLocation: 'middle',
      nameGap: 26,
      splitArea: { show: true },
    },
    yAxis: {
      type: 'category',
      data: ['1', '2', '3', '4', '5'],
      name: 'R (recency score)',
      nameLocation: 'middle',
      nameGap: 30,
      splitArea: { show: true },
    },
    visualMap: {
      min: 0,
      max,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      text: ['more customers', 'fewer'],
      inRange: { color: ['#eff6ff', '#1e3a8a'] },
    },
    series: [
      {
        id: 'cells',
        name: 'Customers',
        type: 'heatmap',
        // [F index, R index, customers], in the API's order (R descending, F ascending).
        data: grid.map((c) => [c.f - 1, c.r - 1, c.customers]),
        label: {
          show: true,
          formatter: (p) =>
            `{name|${grid[p.dataIndex].label}}\n{count|${grid[p.dataIndex].customers}}`,
          rich: {
            name: { fontSize: 10, lineHeight: 14 },
            count: { fontSize: 13, fontWeight: 'bold', lineHeight: 18 },
          },
        },
        emphasis: { itemStyle: { borderColor: '#111827', borderWidth: 1 } },
        cursor: 'pointer',
      },
    ],
  };
}
