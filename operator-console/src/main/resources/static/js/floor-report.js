// Floor reports for supervisors, administrators and the data management leader: a day, week or month of the
// wallboard's figures (GET /api/floor-reports), a chart of offered, answered and abandoned calls per hour, the tables
// behind it in words, and the two CSV downloads. Staff data only; nothing about callers.
'use strict';

const $ = (id) => document.getElementById(id);
let chart = null;

// The jurisdiction's date today, as the server's periods count days.
function today() {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: App.zone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .format(new Date());
  } catch (e) { return new Date().toISOString().slice(0, 10); }
}

async function init() {
  if (!await App.start()) return;
  $('zone').textContent = App.zone || 'the server\'s zone';
  const asked = new URLSearchParams(location.search);
  $('period').value = ['DAY', 'WEEK', 'MONTH'].includes(asked.get('period')) ? asked.get('period') : 'DAY';
  $('day').value = /^\d{4}-\d{2}-\d{2}$/.test(asked.get('day') || '') ? asked.get('day') : today();
  $('choose').addEventListener('submit', (e) => { e.preventDefault(); App.busy($('show'), show); });
  for (const [id, table] of [['csv-figures', 'figures'], ['csv-operators', 'operators']]) {
    $(id).addEventListener('click', (e) => {
      if (!valid()) { e.preventDefault(); return; }
      e.currentTarget.href = '/api/floor-reports?' + query() + '&format=csv&table=' + table;
    });
  }
  await show();
}

function valid() {
  if (!/^\d{4}-\d{2}-\d{2}$/.test($('day').value)) {
    App.fieldError($('day'), 'Choose a day.');
    return false;
  }
  App.fieldError($('day'), null);
  return true;
}

function query() {
  return new URLSearchParams({ period: $('period').value, day: $('day').value }).toString();
}

async function show() {
  if (!valid()) return;
  $('status').textContent = '';
  $('status').className = 'field-status';
  const r = await App.api('GET', '/api/floor-reports?' + query());
  $('summary').replaceChildren();
  $('tables').replaceChildren();
  if (!r.ok) {
    $('status').textContent = r.body ? r.body.message : 'The report cannot be shown.';
    $('status').className = 'field-status error';
    drawChart(null);
    return;
  }
  const report = r.body;
  history.replaceState(null, '', '?' + query());
  $('status').textContent = reportTitle(report);
  summary(report.total.figures);
  const byHourOfDay = report.length !== 'DAY';
  $('chart-title').textContent = byHourOfDay ? 'Calls by hour of the day, ' + reportTitle(report)
    : 'Calls per hour, ' + reportTitle(report);
  drawChart(report.byHour);
  $('tables').append(figuresTable(byHourOfDay ? 'By hour of the day (all days of the period together)'
    : 'By hour', byHourOfDay ? 'Hour of the day' : 'Hour', report.byHour, report.total));
  if (report.byDay.length) {
    $('tables').append(figuresTable('By day', 'Day', report.byDay, report.total));
  }
  $('tables').append(operatorsTable(report.byOperator));
  $('tables').querySelectorAll('table').forEach((t) => App.scrolling(t));
}

function reportTitle(report) {
  if (report.length === 'DAY') return App.date(report.first);
  if (report.length === 'WEEK') return App.date(report.first) + ' to ' + App.date(report.last);
  return report.label;
}

function percent(level) {
  return level.percent === null || level.percent === undefined ? '—' : level.percent.toFixed(1) + ' %';
}

function seconds(ms) {
  return ms === null || ms === undefined ? '—' : App.duration(ms / 1000);
}

function abandoned(f) {
  return f.abandonedInQueue + f.abandonedRinging;
}

function summary(f) {
  const figure = (words, value, below) => App.el('div', { class: below ? 'figure below' : 'figure' },
    App.el('b', {}, value), words);
  const level = (l) => figure('answered within ' + l.thresholdSeconds + ' s (target ' + l.target + ' %)', percent(l),
    l.percent !== null && !l.meetsTarget);
  $('summary').append(
    figure('offered', f.offered), figure('answered', f.answered),
    figure('abandoned waiting or ringing', abandoned(f)), figure('short abandons (hung up within ' + f.shortAbandonSeconds + ' s)', f.shortAbandons),
    figure('hung up in the phone menu', f.abandonedInIvr), level(f.serviceLevelFirst), level(f.serviceLevelSecond),
    figure('average speed of answer', seconds(f.averageSpeedOfAnswerMs)),
    figure('average handling time', seconds(f.averageHandlingMs)));
}

function drawChart(rows) {
  if (chart) { chart.destroy(); chart = null; }
  if (!rows || typeof Chart === 'undefined') return;
  const css = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => (css.getPropertyValue(name) || fallback).trim();
  chart = new Chart($('chart'), {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.label.split('–')[0]),
      datasets: [
        { label: 'Offered', data: rows.map((r) => r.figures.offered), backgroundColor: colour('--accent', '#0b5cd5') },
        { label: 'Answered', data: rows.map((r) => r.figures.answered), backgroundColor: colour('--ok', '#1b6b2a') },
        { label: 'Abandoned', data: rows.map((r) => abandoned(r.figures)),
          backgroundColor: colour('--danger', '#b3261e') },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      // grace: the tallest bar stays below the top line, so it does not read as cut off.
      scales: { y: { beginAtZero: true, grace: 1, ticks: { precision: 0 }, title: { display: true, text: 'Calls' } },
        x: { title: { display: true, text: 'Hour (starts at)' } } },
      plugins: { legend: { position: 'top' } },
    },
  });
}

function figuresTable(title, rowWord, rows, total) {
  const columns = ['Offered', 'Answered', 'Abandoned waiting', 'Abandoned while ringing', 'Short abandons',
    'Hung up in the phone menu', 'Within ' + total.figures.serviceLevelFirst.thresholdSeconds + ' s',
    'Within ' + total.figures.serviceLevelSecond.thresholdSeconds + ' s', 'Average speed of answer',
    '90th percentile speed of answer', 'Average handling time', 'Escalations raised',
    'Escalations acknowledged in time'];
  const cells = (f) => [f.offered, f.answered, f.abandonedInQueue, f.abandonedRinging, f.shortAbandons,
    f.abandonedInIvr, percent(f.serviceLevelFirst), percent(f.serviceLevelSecond), seconds(f.averageSpeedOfAnswerMs),
    seconds(f.speedOfAnswerP90Ms), seconds(f.averageHandlingMs), f.escalationsRaised,
    f.escalationsAcknowledgedInTime].map((v) => App.el('td', { class: 'count' }, v));
  const line = (label, f, cls) => App.el('tr', { class: cls }, App.el('th', { scope: 'row' }, label), cells(f));
  return App.el('table', {}, App.el('caption', {}, title),
    App.el('thead', {}, App.el('tr', {}, App.el('th', { scope: 'col' }, rowWord),
      columns.map((c) => App.el('th', { scope: 'col' }, c)))),
    App.el('tbody', {}, rows.map((r) => line(r.label, r.figures)), line('Whole period', total.figures, 'total')));
}

// Time in each state over the period, the states in the order of an operator's day, away's reasons apart.
const STATES = [['AVAILABLE', null], ['RINGING', null], ['ON_CALL', null], ['WRAP_UP', null], ['AWAY', 'BREAK'],
  ['AWAY', 'TRAINING'], ['AWAY', 'MEETING'], ['AWAY', 'OTHER'], ['PHONE_NOT_CONNECTED', null]];

function stateWords([state, reason]) {
  return reason ? App.label(reason, 'away') : App.label(state, 'presence');
}

function timeIn(operator, [state, reason]) {
  let total = 0;
  for (const t of operator.timeInState) {
    const r = t.state === 'AWAY' && !t.reason ? 'OTHER' : t.reason;
    if (t.state === state && (r || null) === reason) total += t.seconds;
  }
  return total;
}

function operatorsTable(operators) {
  const head = ['Operator', 'Answered', 'Average speed of answer', 'Average handling time']
    .concat(STATES.map(stateWords));
  const rows = operators.map((o) => App.el('tr', {}, App.el('th', { scope: 'row' }, o.name),
    App.el('td', { class: 'count' }, o.answered), App.el('td', { class: 'count' }, seconds(o.averageSpeedOfAnswerMs)),
    App.el('td', { class: 'count' }, seconds(o.averageHandlingMs)),
    STATES.map((s) => App.el('td', { class: 'count' }, App.duration(timeIn(o, s))))));
  return App.el('table', {}, App.el('caption', {}, 'By operator (answered calls and time in each state)'),
    App.el('thead', {}, App.el('tr', {}, head.map((h) => App.el('th', { scope: 'col' }, h)))),
    App.el('tbody', {}, rows.length ? rows
      : App.el('tr', {}, App.el('td', { colspan: head.length }, 'No operator worked in this period.'))));
}

init();
