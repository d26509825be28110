// The failures console: a thin client of the admin API (/admin/failures) on the same origin.
// Every value that comes from a record is untrusted (bodies are whatever a producer sent), so the page builds its
// DOM with createElement and textContent only, never innerHTML; the server's Content-Security-Policy backs that up.
'use strict';

const KEY_STORAGE = 'sqs-router.admin-key';
const API = '/admin/failures';
// page size: the API's default unless the console was opened as /console/?limit=N
const LIMIT = Number(new URLSearchParams(location.search).get('limit')) || 50;

const state = {
  cursors: [null], // cursor of each page seen so far, so that "First page" and "Next page" never load everything
  page: 0,
  ticket: 0,       // the latest view's number: answers for an older view are dropped
  record: null,    // the record shown in full
};

const $ = (id) => document.getElementById(id);

/** A refused call: the API's {"error","message"} and the HTTP status. */
class ApiError extends Error {
  constructor(status, error, message, answer) {
    super(message);
    this.status = status;
    this.error = error;
    this.answer = answer;
  }
}

// ---- API calls ---------------------------------------------------------------------------------------------------

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json', 'X-API-Key': sessionStorage.getItem(KEY_STORAGE) || '' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'unreachable', 'the app did not answer (' + e.message + ')');
  }
  const text = await response.text();
  let answer = null;
  try {
    answer = text ? JSON.parse(text) : null;
  } catch (e) {
    answer = null;
  }
  if (!response.ok) {
    const error = answer && answer.error ? answer.error : 'http_' + response.status;
    const message = answer && answer.message ? answer.message : text || response.statusText;
    throw new ApiError(response.status, error, message, answer);
  }
  return answer;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') {
      search.set(name, value);
    }
  }
  const text = search.toString();
  return text ? '?' + text : '';
}

/** The record's path under /admin/failures: each part percent-encoded (a group may hold '/' or '+'). */
function recordPath(alias, group, key) {
  return [alias, group, key].map(encodeURIComponent).join('/');
}

// ---- showing things ----------------------------------------------------------------------------------------------

function el(tag, text, attributes) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) {
    node.textContent = String(text);
  }
  for (const [name, value] of Object.entries(attributes || {})) {
    node.setAttribute(name, value);
  }
  return node;
}

function show(section) {
  for (const id of ['login', 'list', 'record']) {
    $(id).hidden = id !== section;
  }
  $('sign-out').hidden = section === 'login';
}

function showError(e) {
  const box = $('error');
  box.textContent = e instanceof ApiError
    ? (e.status ? e.status + ' ' : '') + e.error + ': ' + e.message
    : 'the console failed: ' + e.message;
  box.hidden = false;
}

function clearMessages() {
  $('error').hidden = true;
  $('action-result').hidden = true;
}

/** 401/403 anywhere: forget the key and ask again, saying why. Any other failure is shown as it came. */
function failed(e) {
  if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
    sessionStorage.removeItem(KEY_STORAGE);
    askForKey('The admin key was refused (' + e.status + ' ' + e.error + '): ' + e.message);
  } else {
    showError(e);
  }
}

function askForKey(reason) {
  show('login');
  $('login-error').textContent = reason || '';
  $('login-error').hidden = !reason;
  $('key').value = '';
  $('key').focus();
}

// ---- the list ----------------------------------------------------------------------------------------------------

function filters() {
  return {
    queue: $('f-queue').value.trim(),
    group: $('f-group').value.trim(),
    class: $('f-class').value,
    status: $('f-status').value,
    from: instant($('f-from').value),
    to: instant($('f-to').value),
  };
}

/** A datetime-local value read as UTC ("2026-12-02T14:00" -> "2026-12-02T14:00:00Z"); the records show UTC too. */
function instant(local) {
  if (!local) {
    return '';
  }
  return (local.length === 16 ? local + ':00' : local) + 'Z';
}

async function showList() {
  const ticket = ++state.ticket;
  show('list');
  try {
    const [counts, page] = await Promise.all([
      api('GET', API + '/counts' + query({ status: 'OPEN' })),
      api('GET', API + query({ ...filters(), limit: LIMIT, cursor: state.cursors[state.page] })),
    ]);
    if (ticket !== state.ticket) {
      return;
    }
    renderCounts(counts);
    renderPage(page);
  } catch (e) {
    if (ticket === state.ticket) {
      failed(e);
    }
  }
}

function renderCounts(counts) {
  $('counts-total').textContent = '(' + counts.total + ')';
  const body = $('counts').tBodies[0];
  const names = $('queue-names');
  body.replaceChildren();
  names.replaceChildren();
  // sorted by name, so that the table stays put between loads
  for (const [alias, queue] of Object.entries(counts.queues || {}).sort(byName)) {
    const row = el('tr', null, { 'data-testid': 'count-row', 'data-queue': alias });
    row.append(el('td', alias), el('td', queue.total, { 'data-testid': 'count-total' }));
    const classes = el('td');
    for (const [name, count] of Object.entries(queue.classes || {}).sort(byName)) {
      if (classes.childNodes.length) {
        classes.append(' ');
      }
      const link = el('a', name + ' ' + count, { href: '#', class: 'count', 'data-testid': 'count-class', 'data-class': name });
      link.addEventListener('click', (event) => {
        event.preventDefault();
        filterBy({ queue: alias, class: name, status: 'OPEN' });
      });
      classes.append(link);
    }
    row.append(classes);
    body.append(row);
    names.append(el('option', null, { value: alias }));
  }
}

function byName([a], [b]) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function filterBy(values) {
  $('f-queue').value = values.queue || '';
  $('f-class').value = values.class || '';
  $('f-status').value = values.status || 'OPEN';
  firstPage();
}

function renderPage(page) {
  const body = $('failures').tBodies[0];
  body.replaceChildren();
  for (const record of page.records) {
    const row = el('tr', null, {
      'data-testid': 'failure-row', 'data-alias': record.alias, 'data-group': record.group, 'data-key': record.key,
    });
    const link = '#record/' + recordPath(record.alias, record.group, record.key);
    // the sequence is a real link (keyboard, new tab, copy); the whole row is a shortcut to it
    const sequence = el('td');
    sequence.append(el('a', record.sequence || record.key, { href: link, 'data-testid': 'record-link' }));
    row.append(
      el('td', record.recordedAt),
      el('td', record.alias),
      el('td', record.group),
      sequence,
      el('td', record.class),
      el('td', record.status, { class: 'status-' + record.status }),
      el('td', record.httpStatus),
      el('td', record.receiveCount),
      el('td', record.reason, { class: 'reason', title: record.reason || '' }));
    row.addEventListener('click', () => {
      location.hash = link;
    });
    body.append(row);
  }
  $('empty').hidden = page.records.length > 0;
  state.cursors.length = state.page + 1;
  if (page.next) {
    state.cursors.push(page.next);
  }
  $('next-page').hidden = !page.next;
  $('first-page').hidden = state.page === 0;
  $('page-number').textContent = 'page ' + (state.page + 1);
}

function firstPage() {
  state.cursors = [null];
  state.page = 0;
  clearMessages();
  if (location.hash && location.hash !== '#') {
    location.hash = ''; // the hashchange shows the list
  } else {
    showList();
  }
}

// ---- one record --------------------------------------------------------------------------------------------------

/** #record/<alias>/<group %-encoded>/<key>: the parts, decoded, or null when the link is not one. */
function recordLink(hash) {
  if (!hash.startsWith('#record/')) {
    return null;
  }
  const parts = hash.substring('#record/'.length).split('/');
  if (parts.length !== 3) {
    throw new ApiError(0, 'bad_link', 'a record link is #record/<alias>/<group, percent-encoded>/<key>, not ' + hash);
  }
  try {
    return parts.map(decodeURIComponent);
  } catch (e) {
    throw new ApiError(0, 'bad_link', 'the record link is not percent-encoded UTF-8: ' + hash);
  }
}

const RECORD_FIELDS = [
  ['alias', 'Queue alias'], ['queue', 'SQS queue'], ['group', 'Group'], ['sequence', 'Sequence'], ['key', 'Key'],
  ['status', 'Status'], ['class', 'Class'], ['httpStatus', 'HTTP status'], ['receiveCount', 'Receive count'],
  ['firstReceivedAt', 'First received'], ['recordedAt', 'Recorded'], ['statusChangedAt', 'Status changed'],
  ['idempotencyKey', 'Idempotency key'], ['messageId', 'Message id'], ['replayMessageId', 'Replayed as message'],
  ['discardReason', 'Discard reason'], ['expiresAt', 'Expires'], ['bodyRef', 'Body kept in'], ['bodyMissing', 'Body missing'], ['storeNote', 'Store note'],
];

async function showRecord(alias, group, key) {
  const ticket = ++state.ticket;
  show('record');
  $('r-fields').replaceChildren();
  for (const id of ['r-title', 'r-reason', 'r-body', 'r-answer']) {
    $(id).textContent = '';
  }
  $('r-actions').hidden = true;
  try {
    const record = await api('GET', API + '/' + recordPath(alias, group, key));
    if (ticket !== state.ticket) {
      return;
    }
    renderRecord({ alias, group, key, ...record });
  } catch (e) {
    if (ticket === state.ticket) {
      failed(e);
    }
  }
}

function renderRecord(record) {
  state.record = record;
  $('r-title').textContent = record.alias + ' / ' + record.group + ' / ' + (record.sequence || record.key);
  const fields = $('r-fields');
  fields.replaceChildren();
  for (const [name, label] of RECORD_FIELDS) {
    const value = record[name];
    if (value === null || value === undefined || value === '') {
      continue;
    }
    const text = name === 'expiresAt' && typeof value === 'number' ? new Date(value * 1000).toISOString() : value;
    fields.append(el('dt', label), el('dd', text, { 'data-testid': 'r-' + name, class: name === 'status' ? 'status-' + value : '' }));
  }
  $('r-reason').textContent = record.reason || '';
  $('r-body').textContent = record.body === null || record.body === undefined ? '(no body was stored)' : record.body;
  $('r-answer').textContent = record.answer || '';
  $('r-actions').hidden = false;
  // only an OPEN record can be discarded; replay takes the group's OPEN records, whichever record it is opened from
  $('discard-form').hidden = record.status !== 'OPEN';
}

function replayGroup() {
  const record = state.record;
  $('replay-dialog-group').textContent = record.group;
  $('replay-dialog-queue').textContent = record.alias;
  $('replay-dialog').returnValue = '';
  $('replay-dialog').showModal();
}

async function replayConfirmed() {
  if ($('replay-dialog').returnValue !== 'replay') {
    return;
  }
  const { alias, group, key } = state.record;
  clearMessages();
  let answer;
  // a large group takes a while: one replay at a time
  $('replay-group').disabled = true;
  try {
    answer = await api('POST', API + '/' + [alias, group].map(encodeURIComponent).join('/') + '/replay');
  } catch (e) {
    // a replay that stopped part way (503) still says what it sent
    if (e instanceof ApiError && e.answer && e.answer.replayed !== undefined) {
      reportReplay(e.answer);
    }
    failed(e);
    return;
  } finally {
    $('replay-group').disabled = false;
  }
  reportReplay(answer);
  await showRecord(alias, group, key);
  $('action-result').hidden = false;
}

function reportReplay(answer) {
  const count = (value) => (Array.isArray(value) ? value.length : Number(value || 0));
  let text = 'Replayed ' + count(answer.replayed) + ', skipped ' + count(answer.skipped) + '.';
  if (Array.isArray(answer.skipped)) {
    for (const skipped of answer.skipped) {
      text += '\nskipped ' + (skipped.sequence || skipped.messageId) + ': ' + skipped.reason;
    }
  }
  $('action-result').textContent = text;
  $('action-result').hidden = false;
}

async function discard(event) {
  event.preventDefault();
  const reason = $('discard-reason').value.trim();
  if (!reason) {
    showError(new ApiError(0, 'reason_required', 'say why the record is discarded'));
    return;
  }
  const { alias, group, key } = state.record;
  clearMessages();
  $('discard').disabled = true;
  try {
    await api('DELETE', API + '/' + recordPath(alias, group, key), { reason });
  } catch (e) {
    failed(e);
    return;
  } finally {
    $('discard').disabled = false;
  }
  $('discard-reason').value = '';
  await showRecord(alias, group, key);
  $('action-result').textContent = 'Discarded.';
  $('action-result').hidden = false;
}

// ---- navigation --------------------------------------------------------------------------------------------------

function route() {
  clearMessages();
  if (!sessionStorage.getItem(KEY_STORAGE)) {
    askForKey();
    return;
  }
  let link;
  try {
    link = recordLink(location.hash);
  } catch (e) {
    show('list');
    showError(e);
    return;
  }
  if (link) {
    showRecord(...link);
  } else {
    showList();
  }
}

async function signIn(event) {
  event.preventDefault();
  const key = $('key').value.trim();
  if (!key) {
    return;
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  $('login-error').hidden = true;
  try {
    // checks the key before leaving the prompt
    await api('GET', API + '/counts' + query({ status: 'OPEN' }));
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
      failed(e);
      return;
    }
    // the key passed; whatever else failed shows on the next screen
  }
  route();
}

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORAGE);
    askForKey();
  });
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    firstPage();
  });
  $('reset-filters').addEventListener('click', () => {
    $('filters').reset();
    firstPage();
  });
  $('next-page').addEventListener('click', () => {
    state.page += 1;
    clearMessages();
    showList();
  });
  $('first-page').addEventListener('click', firstPage);
  $('back').addEventListener('click', (event) => {
    event.preventDefault();
    location.hash = '';
  });
  $('replay-group').addEventListener('click', replayGroup);
  $('replay-dialog').addEventListener('close', replayConfirmed);
  $('discard-form').addEventListener('submit', discard);
  window.addEventListener('hashchange', route);
  route();
});
