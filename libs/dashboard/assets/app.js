/* global window, document, URLSearchParams */
import { ApiError, get, session } from './api.js';
import { disposeCharts, notice } from './ui.js';
import { churnView } from './view-churn.js';
import { complaintsView } from './view-complaints.js';
import { customerView, customersView } from './view-customers.js';
import { rfmView } from './view-rfm.js';
import { trendsView } from './view-trends.js';

/**
 * The dashboard: hash routes (#/trends?interval=week, #/customers/c-42 …) so that every view,
 * with its filters, is a link that can be shared and reloaded.
 */
const routes = [
  [/^\/trends$/, trendsView],
  [/^\/rfm$/, rfmView],
  [/^\/churn$/, churnView],
  [/^\/customers$/, customersView],
  [/^\/customers\/(.+)$/, customerView],
  [/^\/complaints$/, complaintsView],
];

const $ = (id) => document.getElementById(id);

function parseHash() {
  const hash = window.location.hash.replace(/^#/, '') || '/trends';
  const [path, query = ''] = hash.split('?');
  return { path, params: Object.fromEntries(new URLSearchParams(query)) };
}

/** Changes the filters of the current view: a new history entry, so Back undoes it. */
export function navigate(path, params = {}) {
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ).toString();
  window.location.hash = query ? `${path}?${query}` : path;
}

let rendering = 0;

async function render() {
  const signedIn = Boolean(session.key);
  $('sign-in').hidden = signedIn;
  $('nav').hidden = !signedIn;
  $('sign-out').hidden = !signedIn;
  const view = $('view');
  disposeCharts();
  view.replaceChildren();
  view.removeAttribute('data-view');
  view.removeAttribute('data-ready');
  view.removeAttribute('data-route');
  if (!signedIn) {
    $('api-key').focus();
    return;
  }
  const { path, params } = parseHash();
  const route = routes.find(([pattern]) => pattern.test(path));
  const name = path.split('/')[1];
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!route) {
    view.append(notice(`No view ${path}`, 'error'));
    return;
  }
  const token = ++rendering;
  const hash = window.location.hash;
  view.dataset.view = name;
  view.append(notice('Loading…'));
  try {
    const content = await route[1]({ params, match: path.match(route[0]), navigate });
    if (token !== rendering) return; // the analyst moved on meanwhile
    view.replaceChildren(content);
    // Charts are drawn once their container is in the page and has a size.
    content.dispatchEvent(new window.CustomEvent('attached'));
    view.dataset.route = hash;
    view.dataset.ready = 'true';
  } catch (error) {
    if (token !== rendering) return;
    if (error instanceof ApiError && error.status === 401) {
      session.signOut();
      void render();
      $('sign-in-error').textContent = 'The key was refused; sign in again.';
      return;
    }
    view.replaceChildren(notice(errorText(error), 'error'));
    view.dataset.route = hash;
    view.dataset.ready = 'error';
  }
}

function errorText(error) {
  if (error instanceof ApiError) {
    if (error.status === 403) return 'This key lacks the analyst scope.';
    if (error.status === 404) return `Not found: ${error.message}`;
    return `The API answered ${error.status}: ${error.message}`;
  }
  return `Could not reach the API: ${error.message}`;
}

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = $('api-key').value.trim();
  const message = $('sign-in-error');
  message.textContent = '';
  try {
    // Any analyst route proves the key; the smallest page of the customer list is cheap.
    await get('/v1/customers', { limit: 1 }, key);
  } catch (error) {
    message.textContent =
      error instanceof ApiError && error.status === 401
        ? 'Unknown API key.'
        : error instanceof ApiError && error.status === 403
          ? 'This key lacks the analyst scope.'
          : errorText(error);
    return;
  }
  session.signIn(key);
  $('api-key').value = '';
  void render();
  $('main').focus();
});

$('sign-out').addEventListener('click', () => {
  session.signOut();
  void render();
});

window.addEventListener('hashchange', () => void render());
void render();
