/* global echarts, window, document, Node */
/**
 * Small DOM helpers. Text always goes in as text (never as HTML): profile attributes and
 * reasons are data, and data is never markup.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  return append(el, ...children);
}

/** Appends children as h() does: arrays flattened, null and false left out. */
export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A number for people: `digits` decimals, a dash for null. */
export function num(value, digits = 1) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return Number(value).toLocaleString('en', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function percent(ratio, digits = 1) {
  return ratio === null || ratio === undefined ? '–' : `${num(ratio * 100, digits)} %`;
}

export function money(value) {
  return num(value, 2);
}

/** A duration in seconds as "3 h 20 min", "12 min", "40 s". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours} h ${m % 60} min`;
  return `${num(hours / 24, 1)} d`;
}

export function date(iso) {
  return iso ? iso.slice(0, 10) : '–';
}

export function dateTime(iso) {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '–';
}

/** A status line that screen readers announce. */
export function notice(text, kind = 'info') {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function table(caption, headers, rows, attrs = {}) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      attrs,
      h('caption', {}, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((text) => h('th', { scope: 'col' }, text)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

const charts = new Set();

/**
 * An ECharts chart in `el` (which carries data-chart="<name>", how tests and people find it).
 * Charts resize with the window and are disposed when their view is left.
 */
export function chart(el, option) {
  const instance = echarts.init(el, null, { renderer: 'canvas' });
  instance.setOption(option);
  charts.add(instance);
  return instance;
}

export function disposeCharts() {
  for (const instance of charts) instance.dispose();
  charts.clear();
}

window.addEventListener('resize', () => {
  for (const instance of charts) instance.resize();
});

/** The view's filter form: labelled controls, submitted as one change. */
export function filterForm(fields, onSubmit, label = 'Filters') {
  const form = h('form', { class: 'filters', 'aria-label': label });
  for (const field of fields) {
    const id = `f-${field.name}`;
    const control =
      field.options !== undefined
        ? h(
            'select',
            { id, name: field.name },
            field.options.map(([value, text]) =>
              h('option', { value, selected: value === (field.value ?? '') }, text),
            ),
          )
        : h('input', {
            id,
            name: field.name,
            type: field.type ?? 'text',
            value: field.value ?? '',
            placeholder: field.placeholder,
            required: field.required,
          });
    form.append(h('div', { class: 'field' }, h('label', { for: id }, field.label), control));
  }
  form.append(h('button', { type: 'submit' }, 'Apply'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new window.FormData(form).entries());
    onSubmit(values);
  });
  return form;
}
