// Who read what (issue 21): the audit trail for the auditor and the data management leader. Filters by person,
// case number, action and period, and by one call from a row; pages newest first (GET /api/trail, keyset paging:
// the cursors of the pages seen are kept so "Previous page" goes back). Every look is audited by the server.
'use strict';

const $ = (id) => document.getElementById(id);
const Trail = {
  cursors: [null], // the cursor of each page seen; the last is the page shown
  next: null,
  call: null, // {id, words} while narrowed to one call
  drawn: 0,
};

async function init() {
  if (!await App.start()) return;
  $('to-registry').hidden = App.me.role !== 'DATA_MANAGEMENT_LEADER';
  const r = await App.api('GET', '/api/trail/options');
  if (!r.ok) { say(r.body ? r.body.message : 'The filters cannot be loaded.', true); return; }
  $('zone').textContent = r.body.zone;
  $('person').append(...r.body.people.map((p) => App.el('option', { value: p.username },
    p.name + ' (' + p.role.toLowerCase() + ')')));
  $('action').append(...r.body.actions.map((a) => App.el('option', { value: a.id }, a.name)));
  const asked = new URLSearchParams(location.search);
  for (const id of ['person', 'case', 'action', 'from', 'to']) if (asked.get(id)) $(id).value = asked.get(id);
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); App.busy($('show'), () => load([null])); });
  $('any-call').addEventListener('click', () => { Trail.call = null; load([null]); });
  $('first').addEventListener('click', () => turn([null]));
  $('next').addEventListener('click', () => turn(Trail.cursors.concat([Trail.next])));
  $('previous').addEventListener('click', () => turn(Trail.cursors.slice(0, -1)));
  await load([null]);
}

function say(text, error) {
  $('status').textContent = text;
  $('status').className = 'field-status' + (error ? ' error' : '');
}

function valid() {
  let ok = true;
  const c = $('case').value.trim();
  if (c && !/^C-\d{4}-\d{6,}$/i.test(c)) {
    App.fieldError($('case'), 'A case number looks like C-2026-000123.');
    ok = false;
  } else App.fieldError($('case'), null);
  if ($('from').value && $('to').value && $('to').value < $('from').value) {
    App.fieldError($('to'), 'The last day is before the first.', ok);
    ok = false;
  } else App.fieldError($('to'), null);
  return ok;
}

function query(cursor) {
  const q = new URLSearchParams();
  for (const id of ['person', 'case', 'action', 'from', 'to']) if ($(id).value.trim()) q.set(id, $(id).value.trim());
  if (Trail.call) q.set('call', Trail.call.id);
  if (cursor) q.set('cursor', cursor);
  q.set('limit', '25');
  return q;
}

// The pager's buttons are off while a page is on its way (a double click turns one page), and then say where the
// reader is: App.busy would switch "Next page" back on at the last page.
async function turn(cursors) {
  for (const id of ['first', 'previous', 'next']) $(id).disabled = true;
  await load(cursors);
  pager();
}

function pager() {
  $('next').disabled = !Trail.next;
  $('previous').disabled = Trail.cursors.length < 2;
  $('first').disabled = Trail.cursors.length < 2;
}

async function load(cursors) {
  if (!valid()) return;
  const q = query(cursors[cursors.length - 1]);
  const r = await App.api('GET', '/api/trail?' + q);
  if (!r.ok) { say(r.body ? r.body.message : 'The trail cannot be shown.', true); return; }
  Trail.cursors = cursors;
  Trail.next = r.body.next;
  const shown = new URLSearchParams(q);
  shown.delete('cursor'); shown.delete('limit'); shown.delete('call');
  history.replaceState(null, '', '?' + shown);
  $('call-filter').hidden = !Trail.call;
  $('call-words').textContent = Trail.call ? Trail.call.words : '';
  $('trail').replaceChildren(...(r.body.rows.length ? r.body.rows.map(row)
    : [App.el('tr', {}, App.el('td', { colspan: '5' }, 'Nothing in the trail matches these filters.'))]));
  pager();
  $('page-number').textContent = 'Page ' + Trail.cursors.length;
  say(r.body.rows.length + (r.body.rows.length === 1 ? ' row' : ' rows') + (Trail.next ? ', more on the next page'
    : ''));
  App.scrolling($('trail-table'));
  // A counter the page's tests wait on: the rows they read are those of this drawing.
  Trail.drawn += 1;
  $('trail').dataset.drawn = String(Trail.drawn);
}

function row(r) {
  const what = [App.el('span', {}, r.record)];
  if (r.caseReference && $('case').value.trim().toUpperCase() !== r.caseReference) {
    what.push(' ', App.el('button', { type: 'button', class: 'link', 'data-case': r.caseReference,
      onclick: () => { $('case').value = r.caseReference; load([null]); } }, 'Only case ' + r.caseReference));
  }
  if (r.call && (!Trail.call || Trail.call.id !== r.call)) {
    what.push(' ', App.el('button', { type: 'button', class: 'link', 'data-call': r.call,
      onclick: () => { Trail.call = { id: r.call, words: callWords(r.record) }; load([null]); } }, 'Only this call'));
  }
  const details = r.fields.concat(r.changes);
  if (r.address) details.push('From ' + r.address);
  return App.el('tr', { 'data-action': r.action },
    App.el('td', {}, App.el('time', { datetime: r.at }, App.time(r.at))),
    App.el('td', { title: r.person }, r.personName),
    App.el('td', {}, r.actionWords),
    App.el('td', { class: 'long-text' }, what),
    App.el('td', { class: 'long-text' }, details.length ? details.join(' · ') : '—'));
}

// "Hotline report of the call at 7 Dec 2026, 14:03 on the line …" → "call at 7 Dec 2026, 14:03 on the line …".
function callWords(record) {
  const m = /(call at .*|callback at .*|contact recorded at .*)$/.exec(record);
  return (m ? m[1] : 'call').replace(/ \(case [^)]*\)$/, '');
}

init();
