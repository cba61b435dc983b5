// Routing by URL hash (`#/patients/12?range=7d`), so back, forward and reload land on the same view.
//
// A view is `render(main, {params, query, account, isCurrent})`; it may return a cleanup function, called before the
// next view renders (to drop its live subscriptions and timers). Its `main` is a container of its own: when the
// person moves on while a view still waits for the hub, the next view gets a new container and the old one is
// detached, so whatever the old view adds after its waits lands nowhere (patient A's data never on patient B's page).
// `isCurrent()` says whether the view is still the one shown, for work beyond its container.
//
// After a view renders, focus moves to its heading, so keyboard and screen-reader users start at the top of what
// changed (the heading is read out) rather than on a link that may no longer exist. Focus stays where it is when the
// view put it somewhere itself, or when the person moved it while the view was loading: a page must not pull the
// keyboard away from someone already using it.

const routes = [];
let current = null;
let context = null;
let fallback = null;
let renderId = 0;

/** Adds a route: `pattern` like '/patients/:id'; `roles` that may open it (all when absent). */
export function route(pattern, render, {roles} = {}) {
  const names = [];
  const regex = new RegExp('^' + pattern.replace(/:([a-zA-Z]+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  }) + '/?$');
  routes.push({pattern, regex, names, render, roles});
}

export function parseHash(hash = location.hash) {
  const text = hash.replace(/^#/, '') || '/';
  const [path, search = ''] = text.split('?');
  return {path, query: Object.fromEntries(new URLSearchParams(search))};
}

/** The hash for `path` with `query` (empty values left out). */
export function hashFor(path, query = {}) {
  const search = new URLSearchParams(Object.entries(query).filter(([, value]) => value !== undefined && value !== null && value !== ''));
  const text = search.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

export function navigate(path, query) {
  const hash = hashFor(path, query);
  if (location.hash === hash) render();
  else location.hash = hash;
}

/** Changes the query of the current view without adding a history entry or re-rendering (a filter, a range). */
export function replaceQuery(query) {
  const {path} = parseHash();
  history.replaceState(null, '', hashFor(path, query));
}

/** Starts routing with `ctx` (the signed-in account); `home` gives the path to use for '/'. */
export function startRouter(ctx, home) {
  context = ctx;
  fallback = home;
  removeEventListener('hashchange', render);
  addEventListener('hashchange', render);
  render();
}

export function stopRouter() {
  removeEventListener('hashchange', render);
  // A view still loading is no longer current either: it cleans up when its render returns.
  renderId += 1;
  runCleanup();
  context = null;
}

function runCleanup() {
  const cleanup = current?.cleanup;
  current = null;
  if (typeof cleanup === 'function') cleanup();
}

/** The route for `path` and its decoded parameters; no route for an address that does not decode (`%E0`). */
function match(path) {
  for (const candidate of routes) {
    const result = candidate.regex.exec(path);
    if (!result) continue;
    try {
      return {route: candidate, params: Object.fromEntries(candidate.names.map((name, index) => [name, decodeURIComponent(result[index + 1])]))};
    } catch {
      return {route: null, params: {}};
    }
  }
  return {route: null, params: {}};
}

export async function render() {
  if (!context) return;
  const {path, query} = parseHash();
  if (path === '/' || path === '') {
    location.replace(hashFor(fallback(context.account)));
    return;
  }
  const main = document.getElementById('main');
  const focusedBefore = document.activeElement;
  const {route: found, params} = match(path);
  runCleanup();
  const id = ++renderId;
  const container = document.createElement('div');
  container.className = 'view';
  main.replaceChildren(container);
  main.setAttribute('aria-busy', 'true');
  document.dispatchEvent(new CustomEvent('routechange', {detail: {path}}));
  if (!found || (found.roles && !found.roles.includes(context.account.role))) {
    const heading = document.createElement('h1');
    heading.tabIndex = -1;
    heading.textContent = found ? 'Not available to your role' : 'Page not found';
    const text = document.createElement('p');
    text.textContent = found ? 'This part of SilverWatch is for other roles.' : 'There is nothing at this address.';
    const home = document.createElement('a');
    home.href = hashFor(fallback(context.account));
    home.textContent = 'Go to your start page';
    container.append(heading, text, home);
    main.removeAttribute('aria-busy');
    announceView(heading.textContent, focusedBefore);
    return;
  }
  const state = {cleanup: null};
  current = state;
  const isCurrent = () => id === renderId && container.isConnected;
  try {
    state.cleanup = await found.render(container, {params, query, account: context.account, isCurrent});
  } catch (error) {
    console.error(error);
    if (isCurrent()) {
      const note = document.createElement('p');
      note.className = 'form-error';
      note.setAttribute('role', 'alert');
      note.textContent = `This page could not be shown: ${error.message}`;
      container.append(note);
    }
  }
  if (id !== renderId) {
    // A newer navigation started while this view was loading; drop what this one set up.
    if (typeof state.cleanup === 'function') state.cleanup();
    return;
  }
  main.removeAttribute('aria-busy');
  announceView(container.querySelector('h1')?.textContent ?? 'SilverWatch', focusedBefore);
}

/** Titles the document after the view and, unless focus moved on its own meanwhile, puts focus on its heading. */
function announceView(title, focusedBefore) {
  document.title = `${title} · SilverWatch`;
  const main = document.getElementById('main');
  const active = document.activeElement;
  // A focused element that the view replaced leaves focus on the body: that too is untouched.
  const untouched = !active || active === document.body || active === focusedBefore;
  if (untouched && !main.contains(active)) (main.querySelector('h1') ?? main).focus();
}
