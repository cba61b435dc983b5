// The alerts a view shows (the alert list, the patients overview, a patient's page), loaded from the API and kept
// current by the live socket, and the line that says how that went.
//
// The feed listens before it loads and holds what arrives until the load is in: an alert raised between the
// request and the answer is neither lost nor overwritten by the older copy (of two copies of an alert the later
// `updatedAt` wins). A `ready` that did not resume the socket's cursor means changes were missed: the feed loads
// again. Its state (loading, failed, loaded) is its own, so a live redraw shows the cards that arrived without
// hiding a failure or claiming "no alerts" before anything was read.

import {api} from '/console/api.js';
import {h, button, busy, errorBox, errorText} from '/console/dom.js';
import {live} from '/console/live.js';

const PAGE = 500;

/**
 * `query()` gives the list's parameters (read at every load, so a filter change applies on `reload()`); `keep(alert)`
 * says whether the view shows an alert (those it no longer shows, a resolved one in an open list, are dropped);
 * `everything()` says whether to page through the whole list (an open list must never be cut short), else the first
 * page is loaded and `loadMore()` adds the next; `onChange()` asks for a redraw; `onUnshown(alert, event)` hears of a
 * live change to an alert the view does not hold that `keep` turned away. Call `stop()` when the view goes.
 */
export function alertFeed({query, keep = () => true, everything = () => true, onChange, onUnshown}) {
  const alerts = new Map();
  const feed = {alerts, state: 'loading', error: null, cursor: null, moreError: null, reload, loadMore, upsert, stop};
  let sequence = 0;
  let held = null;
  let again = false;

  function newer(alert) {
    const known = alerts.get(alert.id);
    return !known || new Date(alert.updatedAt) >= new Date(known.updatedAt);
  }

  function take(alert) {
    if (!newer(alert)) return;
    if (keep(alert)) alerts.set(alert.id, alert);
    else alerts.delete(alert.id);
  }

  /** An alert as an action (acknowledge, resolve, snooze) left it. */
  function upsert(alert) {
    take(alert);
    onChange();
  }

  function receive({alert, event}) {
    if (!alert) return;
    if (held) {
      held.push(alert);
      return;
    }
    if (!alerts.has(alert.id) && !keep(alert)) onUnshown?.(alert, event);
    upsert(alert);
  }

  async function fetchList(id) {
    const all = everything();
    const items = [];
    let cursor;
    do {
      const page = await api.get('/api/v1/alerts', {...query(), limit: all ? PAGE : 100, cursor});
      if (id !== sequence) return null;
      items.push(...page.items);
      cursor = page.nextCursor ?? null;
    } while (all && cursor);
    return {items, cursor};
  }

  async function reload() {
    const id = ++sequence;
    held ??= [];
    again = false;
    feed.state = 'loading';
    feed.error = null;
    feed.moreError = null;
    onChange();
    let answer = null;
    try {
      answer = await fetchList(id);
      if (!answer) return;
    } catch (error) {
      if (id !== sequence) return;
      feed.state = 'error';
      feed.error = error;
    }
    if (answer) {
      alerts.clear();
      for (const alert of answer.items) if (keep(alert)) alerts.set(alert.id, alert);
      feed.cursor = answer.cursor;
      feed.state = 'ready';
    }
    const pending = held;
    held = null;
    for (const alert of pending) take(alert);
    onChange();
    if (again) reload();
  }

  async function loadMore() {
    const id = sequence;
    try {
      const page = await api.get('/api/v1/alerts', {...query(), limit: 100, cursor: feed.cursor});
      if (id !== sequence) return;
      for (const alert of page.items) take(alert);
      feed.cursor = page.nextCursor ?? null;
      feed.moreError = null;
    } catch (error) {
      if (id !== sequence) return;
      feed.moreError = error;
    }
    onChange();
  }

  const unsubscribe = [
    live.on('alert', receive),
    live.on('ready', ({resumed}) => {
      if (resumed === true && feed.state !== 'error') return;
      if (held) again = true;
      else reload();
    }),
  ];

  function stop() {
    sequence += 1;
    unsubscribe.forEach((off) => off());
  }

  reload();
  return feed;
}

/**
 * The line above a feed's cards: "Loading…", the failure with a way to try again, or `empty` once a load succeeded
 * and there is nothing to show. Changed only when its state changes, so a screen reader hears each once.
 */
export function feedNote(feed, {empty, loading = 'Loading alerts…'}) {
  // Focusable, so "Try again" going away with the failure leaves the keyboard here rather than at the page's start.
  const element = h('div', {class: 'feed-note', tabindex: '-1'});
  let shown = null;
  return {
    element,
    update(count) {
      const now = feed.state === 'ready' ? (count ? 'some' : 'none') : feed.state;
      if (now === shown && now !== 'error') return;
      if (now === 'error' && shown === 'error' && element.dataset.error === errorText(feed.error)) return;
      const focused = element.contains(document.activeElement) && document.activeElement !== element;
      shown = now;
      element.dataset.error = now === 'error' ? errorText(feed.error) : '';
      if (now === 'loading') element.replaceChildren(h('p', {class: 'loading'}, loading));
      else if (now === 'error') {
        element.replaceChildren(errorBox(feed.error),
          button('Try again', (event) => busy(event.currentTarget, () => feed.reload()), {class: 'button secondary small', 'data-test': 'retry'}));
      } else if (now === 'none') element.replaceChildren(h('p', {class: 'empty'}, empty));
      else element.replaceChildren();
      if (focused) element.focus();
    },
  };
}

/** "Load more" under a paged feed; a failure is shown beside it and the cards above stay. */
export function moreButton(feed) {
  const element = h('div', {class: 'load-more'});
  let shown = null;
  return {
    element,
    update() {
      const now = feed.state === 'ready' && feed.cursor ? (feed.moreError ? `error:${errorText(feed.moreError)}` : 'more') : 'none';
      if (now === shown) return;
      const focused = element.contains(document.activeElement);
      shown = now;
      const more = button('Load more', (event) => busy(event.currentTarget, () => feed.loadMore()), {class: 'button secondary', 'data-test': 'load-more'});
      element.replaceChildren(...(now === 'none' ? [] : [feed.moreError ? errorBox(feed.moreError) : null, more].filter(Boolean)));
      if (focused && now !== 'none') more.focus();
    },
  };
}
