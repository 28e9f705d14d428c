import { get, queryOf } from './api.js';
import { append, chart, date, dateTime, filterForm, h, money, num, table } from './ui.js';

const TIERS = ['vip', 'key', 'regular', 'prospect'];
const STAGES = ['acquisition', 'growth', 'maturity', 'decline', 'churned'];

/** Profiles, filtered by tier and stage, best spenders first; each row opens the customer. */
export async function customersView({ params, navigate }) {
  const query = {
    tier: params.tier,
    lifecycle: params.lifecycle,
    sort: params.sort ?? '-netSpend',
    cursor: params.cursor,
    limit: 50,
  };
  const page = await get('/v1/customers', query);
  const root = h('section', { class: 'view', 'aria-labelledby': 'customers-title' });
  root.dataset.query = queryOf(query);
  append(
    root,
    h('h1', { id: 'customers-title' }, 'Customers'),
    filterForm(
      [
        {
          name: 'id',
          label: 'Open a customer id',
          placeholder: 'customer id',
        },
        {
          name: 'tier',
          label: 'Tier',
          value: params.tier ?? '',
          options: [['', 'All'], ...TIERS.map((t) => [t, t])],
        },
        {
          name: 'lifecycle',
          label: 'Stage',
          value: params.lifecycle ?? '',
          options: [['', 'All'], ...STAGES.map((s) => [s, s])],
        },
        {
          name: 'sort',
          label: 'Sort',
          value: query.sort,
          options: [
            ['-netSpend', 'Net spend'],
            ['-lastSeenAt', 'Last seen'],
            ['-orders', 'Orders'],
            ['customerId', 'Id'],
          ],
        },
      ],
      ({ id, ...values }) =>
        id
          ? navigate(`/customers/${encodeURIComponent(id.trim())}`)
          : navigate('/customers', values),
    ),
    table(
      'Customers',
      ['Customer', 'Tier', 'Stage', 'Orders', 'Net spend', 'Last seen', 'Open complaints'],
      page.items.map((c) =>
        h(
          'tr',
          { dataset: { customer: c.customerId } },
          h(
            'td',
            {},
            h('a', { href: `#/customers/${encodeURIComponent(c.customerId)}` }, c.customerId),
          ),
          h('td', {}, c.tier),
          h('td', {}, c.lifecycleStage),
          h('td', { class: 'num' }, c.orders),
          h('td', { class: 'num', dataset: { field: 'netSpend' } }, money(c.netSpend)),
          h('td', {}, date(c.lastSeenAt)),
          h('td', { class: 'num' }, c.complaints.open),
        ),
      ),
      { class: 'customers' },
    ),
    page.nextCursor
      ? h(
          'button',
          {
            type: 'button',
            class: 'more',
            onClick: () => navigate('/customers', { ...params, cursor: page.nextCursor }),
          },
          'Next page',
        )
      : null,
  );
  return root;
}

/** One customer: the profile and the journey's emotion curve, its peaks and its end marked. */
export async function customerView({ match }) {
  const id = decodeURIComponent(match[1]);
  const path = `/v1/customers/${encodeURIComponent(id)}`;
  const [profile, emotion] = await Promise.all([get(path), get(`${path}/emotion-curve`)]);
  const root = h('section', { class: 'view', 'aria-labelledby': 'customer-title' });
  root.dataset.customer = id;
  const facts = [
    ['Tier', profile.tier],
    ['Stage', profile.lifecycleStage],
    ['Touchpoints', profile.touchpoints],
    ['Orders', profile.orders],
    ['Net spend', money(profile.netSpend)],
    ['Average order', money(profile.averageOrderValue)],
    ['First seen', date(profile.firstSeenAt)],
    ['Last seen', date(profile.lastSeenAt)],
    ['Open complaints', profile.complaints.open],
    ['Last NPS', profile.lastSurveys.nps?.score ?? '–'],
    ['Last CSAT', profile.lastSurveys.csat?.score ?? '–'],
    ['Mean sentiment', num(profile.sentiment.mean, 2)],
    ['Sentiment trend', num(profile.sentiment.trend.change, 2)],
    ['Loyalty balance', num(profile.loyalty.balance, 0)],
  ];
  if (profile.rfm)
    facts.push([
      'RFM',
      `${profile.rfm.r}${profile.rfm.f}${profile.rfm.m} ${(profile.rfm.segment ?? '').replace(/_/g, ' ')}`,
    ]);
  if (profile.churnRisk)
    facts.push(['Churn risk', `${num(profile.churnRisk.score, 0)} (${profile.churnRisk.band})`]);

  const chartEl = h('div', {
    class: 'chart',
    dataset: { chart: 'emotion' },
    role: 'img',
    'aria-label': `Emotion curve of ${id}: ${emotion.curve.length} moments`,
  });
  root.addEventListener('attached', () => chart(chartEl, emotionOption(emotion)));
  const peak = emotion.peakEnd;
  append(
    root,
    h('p', {}, h('a', { href: '#/customers' }, '← Customers')),
    h('h1', { id: 'customer-title' }, `Customer ${id}`),
    profile.erasedAt
      ? h('p', { class: 'notice' }, `Personal data erased on ${date(profile.erasedAt)}`)
      : null,
    h(
      'dl',
      { class: 'facts card' },
      facts.map(([term, value]) => [
        h('dt', {}, term),
        h('dd', { dataset: { fact: term } }, String(value)),
      ]),
    ),
    h(
      'article',
      { class: 'card' },
      h('h2', {}, 'Emotion curve'),
      emotion.curve.length === 0
        ? h('p', { class: 'notice' }, 'No moment of this journey carries a sentiment yet.')
        : [
            chartEl,
            h(
              'p',
              { class: 'legend-text' },
              `Most negative ${moment(peak.mostNegative)} · most positive ${moment(peak.mostPositive)} · end ${moment(peak.end)} · peak-end mean ${num(peak.peakEndMean, 2)}`,
            ),
          ],
    ),
  );
  return root;
}

function moment(point) {
  return point ? `${num(point.sentiment, 2)} (${point.type}, ${date(point.at)})` : '–';
}

function emotionOption(emotion) {
  const data = emotion.curve.map((p) => [p.at, p.sentiment]);
  const mark = (point, name, color) =>
    point && {
      name,
      coord: [point.at, point.sentiment],
      value: `${name} ${num(point.sentiment, 2)}`,
      itemStyle: { color },
    };
  const { mostNegative, mostPositive, end } = emotion.peakEnd;
  return {
    animation: false,
    grid: { left: 44, right: 36, top: 48, bottom: 40 },
    tooltip: {
      trigger: 'axis',
      formatter: (items) => {
        const point = emotion.curve[items[0].dataIndex];
        return `${dateTime(point.at)}<br>${point.type}: ${num(point.sentiment, 2)}`;
      },
    },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', min: -1, max: 1 },
    series: [
      {
        id: 'sentiment',
        name: 'Sentiment',
        type: 'line',
        data,
        symbolSize: 6,
        lineStyle: { width: 2, color: '#0f766e' },
        itemStyle: { color: '#0f766e' },
        markLine: {
          silent: true,
          symbol: 'none',
          label: { show: false },
          data: [{ yAxis: 0 }],
          lineStyle: { color: '#94a3b8' },
        },
        markPoint: {
          symbolSize: 44,
          // The pin says which moment; the values are in the line below the chart.
          label: { fontSize: 10, formatter: '{b}' },
          data: [
            mark(mostNegative, 'Low', '#dc2626'),
            mark(mostPositive, 'High', '#16a34a'),
            mark(end, 'End', '#7c3aed'),
          ].filter(Boolean),
        },
      },
    ],
  };
}
