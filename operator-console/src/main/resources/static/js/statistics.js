// The quarterly statistics for data managers: three tables by sex, small counts shown as withheld, never as numbers,
// every row and column in words (places as the jurisdiction names them), each table scrolling inside its card.
'use strict';

const $ = (id) => document.getElementById(id);

// A code in words; a place or an age band ("St. Andrew", "18-24") is shown exactly as it is.
function words(code) {
  return /^[A-Z][A-Z0-9_]*$/.test(String(code)) ? App.label(code, 'statistics') : String(code);
}

async function init() {
  if (!await App.start()) return;
  const now = new Date();
  $('year').value = now.getUTCFullYear();
  $('quarter').value = String(Math.floor(now.getUTCMonth() / 3) + 1);
  $('choose').addEventListener('submit', (e) => { e.preventDefault(); App.busy($('show'), show); });
  $('csv').addEventListener('click', (e) => {
    if (!valid()) { e.preventDefault(); return; }
    e.currentTarget.href = '/api/statistics/quarterly?' + query() + '&format=csv';
  });
  await show();
}

function valid() {
  const year = Number($('year').value);
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    App.fieldError($('year'), 'Write a year from 2000 to 2100.');
    return false;
  }
  App.fieldError($('year'), null);
  return true;
}

function query() {
  return new URLSearchParams({ year: $('year').value, quarter: $('quarter').value }).toString();
}

async function show() {
  if (!valid()) return;
  $('status').textContent = '';
  const r = await App.api('GET', '/api/statistics/quarterly?' + query());
  $('notes').replaceChildren();
  $('tables').replaceChildren();
  if (!r.ok) {
    $('status').textContent = r.body ? r.body.message : 'The statistics cannot be shown.';
    $('status').className = 'field-status error';
    return;
  }
  const report = r.body;
  $('status').className = 'field-status';
  $('status').textContent = 'Cases: ' + cell(report.cases);
  $('notes').append(...report.notes.map((n) => App.el('li', {}, n)));
  for (const table of report.tables) {
    const head = App.el('tr', {}, App.el('th', { scope: 'col' }, App.el('span', { class: 'sr-only' }, 'Row')),
      table.columns.map((c) => App.el('th', { scope: 'col' }, words(c))));
    const rows = table.rows.map((line) => App.el('tr', { class: line.label === 'TOTAL' ? 'total' : undefined },
      App.el('th', { scope: 'row' }, words(line.label)),
      table.columns.map((c) => App.el('td', { class: 'count' }, cell(line.counts[c])))));
    const element = App.el('table', {}, App.el('caption', {}, table.title),
      App.el('thead', {}, head), App.el('tbody', {}, rows));
    $('tables').append(element);
    App.scrolling(element);
  }
}

function cell(count) {
  return count === 'suppressed' ? 'Withheld' : String(count);
}

init();
