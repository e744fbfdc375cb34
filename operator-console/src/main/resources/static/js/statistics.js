// The quarterly statistics for data managers: three tables by sex, small counts shown as withheld, never as numbers.
'use strict';

const $ = (id) => document.getElementById(id);

async function init() {
  if (!await App.start()) return;
  const now = new Date();
  $('year').value = now.getUTCFullYear();
  $('quarter').value = String(Math.floor(now.getUTCMonth() / 3) + 1);
  $('show').onclick = show;
  $('csv').onclick = (e) => { e.target.href = '/api/statistics/quarterly?' + query() + '&format=csv'; };
  show();
}

function query() {
  return new URLSearchParams({ year: $('year').value, quarter: $('quarter').value }).toString();
}

async function show() {
  $('status').textContent = '';
  const r = await App.api('GET', '/api/statistics/quarterly?' + query());
  $('notes').replaceChildren();
  $('tables').replaceChildren();
  if (!r.ok) { $('status').textContent = r.body ? r.body.message : 'failed'; return; }
  const report = r.body;
  $('status').textContent = 'cases: ' + cell(report.cases);
  $('notes').append(...report.notes.map((n) => App.el('li', {}, n)));
  for (const table of report.tables) {
    const head = App.el('tr', {}, App.el('th', {}, ''), table.columns.map((c) => App.el('th', {}, App.label(c))));
    const rows = table.rows.map((line) => App.el('tr', {}, App.el('th', {}, App.label(line.label)),
      table.columns.map((c) => App.el('td', {}, cell(line.counts[c])))));
    $('tables').append(App.el('h3', {}, table.title),
      App.el('table', {}, App.el('thead', {}, head), App.el('tbody', {}, rows)));
  }
}

function cell(count) {
  return count === 'suppressed' ? 'withheld' : String(count);
}

init();
