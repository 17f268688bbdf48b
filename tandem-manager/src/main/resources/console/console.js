'use strict';
// The Recorder Manager console: live pairs and events, search, call detail with a player, jobs and archive rules.
// Everything it shows comes from the Manager's API; text is always set as text, never as markup.

const $ = (selector) => document.querySelector(selector);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell === null ? '' : String(cell);
    tr.appendChild(td);
  }
  return tr;
}

/** Calls the API; answers the parsed JSON (or null) with the response, or throws the API's one-line error. */
async function api(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  if (response.status === 401 && path !== '/api/login') {
    showLogin();
  }
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error(json && json.error ? json.error : method + ' ' + path + ': ' + response.status);
  return { json, response };
}

function localInstant(value) {
  return value ? new Date(value).toISOString() : '';
}

function seconds(from, to) {
  return from && to ? Math.round((Date.parse(to) - Date.parse(from)) / 1000) + ' s' : 'recording';
}

// ---- Signing in: the API answers 401 until a session cookie is set ----

function showLogin() {
  $('#login').hidden = false;
  document.querySelector('main').hidden = true;
}

async function login(event) {
  event.preventDefault();
  $('#login-error').textContent = '';
  try {
    const { json } = await api('POST', '/api/login', { name: $('#login-name').value, password: $('#login-password').value });
    $('#who').textContent = json.name + ' (' + json.role + ')';
    $('#login').hidden = true;
    document.querySelector('main').hidden = false;
    start();
  } catch (e) {
    $('#login-error').textContent = e.message;
  }
}

// ---- Pairs and events, kept current by the live feed ----

/**
 * Which Manager's Recorder Redundancy Controller acts, as every pair of the feed says: this one, or another (a
 * standby serves every read, but refuses with 503 what only the acting Manager does).
 */
function renderRrc(pairs) {
  const banner = $('#rrc');
  banner.replaceChildren();
  if (!pairs.length) return;
  const { rrc, rrcLeader } = pairs[0];
  banner.dataset.rrc = rrc;
  if (rrc === 'acting') {
    banner.className = 'rrc-acting';
    banner.append('This Manager acts as the Recorder Redundancy Controller: it fails pairs over and back.');
    return;
  }
  banner.className = 'rrc-standby';
  banner.append(element('strong', 'This Manager stands by. '));
  if (rrcLeader) {
    const link = element('a', rrcLeader);
    link.href = rrcLeader;
    banner.append('The Recorder Redundancy Controller acts on ', link, '. ');
  } else {
    banner.append('No Manager holds the Recorder Redundancy Controller\'s lease now; one takes it within seconds. ');
  }
  banner.append('Here you can search, replay, export and follow events; failover and failback are done only by '
      + 'the acting Manager, and a failback asked here is refused (503).');
}

/** Why a failback cannot be asked from this page now, or '' when it can. */
function failbackRefusal(pair) {
  if (pair.rrc !== 'acting') {
    return 'only the acting Manager fails back' + (pair.rrcLeader ? ' (' + pair.rrcLeader + ')' : '');
  }
  if (pair.failbackPolicy !== 'manual') return 'the failback policy is ' + pair.failbackPolicy;
  return '';
}

function failbackForm(pair) {
  const form = element('form', null, 'failback');
  const button = element('button', 'Fail back');
  const refusal = failbackRefusal(pair);
  button.disabled = refusal !== '';
  const message = element('span', refusal, refusal ? 'muted' : 'error');
  form.append(button, ' ', message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.textContent = '';
    try {
      await api('POST', '/api/pairs/' + encodeURIComponent(pair.name) + '/failback');
      message.className = 'muted';
      message.textContent = 'failback started';
    } catch (e) {
      message.className = 'error';
      message.textContent = e.message;
    }
  });
  return form;
}

function renderPairs(pairs) {
  renderRrc(pairs);
  const container = $('#pairs');
  container.replaceChildren();
  for (const pair of pairs) {
    const box = element('div', null, 'pair');
    box.dataset.pair = pair.name;
    box.appendChild(element('h3', pair.name + ' · epoch ' + pair.epoch + ' · rollback window '
        + pair.rollbackWindowSeconds + ' s · failback ' + pair.failbackPolicy + ' · gap policy ' + pair.gapPolicy));
    const table = element('table');
    table.appendChild(row(['serial', 'position', 'role', 'health']));
    for (const recorder of pair.recorders) {
      const tr = row([recorder.serial, recorder.position, recorder.role,
        element('span', recorder.healthy ? 'healthy' : 'unhealthy', recorder.healthy ? 'healthy' : 'unhealthy')]);
      tr.className = 'recorder';
      tr.dataset.serial = recorder.serial;
      tr.dataset.role = recorder.role;
      table.appendChild(tr);
    }
    box.appendChild(table);
    const alarms = pair.alarms || [];
    box.appendChild(element('p', alarms.length ? 'Alarms: ' + alarms.join(', ') : 'No alarm',
        alarms.length ? 'alarm' : 'muted'));
    box.appendChild(policyForm(pair));
    box.appendChild(failbackForm(pair));
    container.appendChild(box);
  }
}

function policyForm(pair) {
  const form = element('form', null, 'policy');
  const windowInput = element('input');
  windowInput.size = 5;
  windowInput.value = pair.rollbackWindowSeconds;
  const failback = element('select');
  for (const policy of ['never', 'manual']) failback.appendChild(element('option', policy));
  failback.value = pair.failbackPolicy;
  const gap = element('select');
  for (const policy of ['promote', 'report']) gap.appendChild(element('option', policy));
  gap.value = pair.gapPolicy;
  const message = element('span', '', 'error');
  form.append(element('label', 'Rollback window (s) '), windowInput, element('label', ' Failback '), failback,
      element('label', ' Gap policy '), gap, element('button', 'Save policy'), message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.textContent = '';
    try {
      await api('PUT', '/api/pairs/' + encodeURIComponent(pair.name) + '/policy', {
        rollbackWindowSeconds: Number(windowInput.value), failbackPolicy: failback.value, gapPolicy: gap.value });
    } catch (e) {
      message.textContent = e.message;
    }
  });
  return form;
}

function addEvent(event) {
  const details = Object.entries(event.details || {}).map(([key, value]) => key + ' ' + value).join(', ');
  const item = element('li', new Date(event.at).toLocaleString() + ' · ' + event.type
      + (event.pair ? ' · ' + event.pair : '') + (details ? ' · ' + details : ''), event.type);
  item.dataset.type = event.type;
  item.dataset.id = event.id;
  $('#timeline').prepend(item);
}

let liveSource = null;

async function startLive() {
  let after = 0;
  try {
    const { json } = await api('GET', '/api/events?limit=200');
    for (const event of json) addEvent(event);
    if (json.length) after = json[json.length - 1].id;
  } catch (e) {
    $('#live-state').textContent = 'events unavailable: ' + e.message;
  }
  if (liveSource) liveSource.close();
  const source = new EventSource('/api/live?after=' + after);
  liveSource = source;
  source.addEventListener('open', () => { $('#live-state').textContent = 'live'; });
  source.addEventListener('error', () => { $('#live-state').textContent = 'reconnecting…'; });
  source.addEventListener('pairs', (message) => renderPairs(JSON.parse(message.data)));
  source.addEventListener('event', (message) => addEvent(JSON.parse(message.data)));
}

// ---- Calls per minute ----

let chart = null;
let chartSerials = '';

async function refreshChart() {
  try {
    const { json } = await api('GET', '/api/stats/calls-per-minute?minutes=60');
    const serials = Object.keys(json.recorders).sort();
    const data = [json.minutes, ...serials.map((serial) => json.recorders[serial])];
    // Twelve colours: six pairs' recorders each a line of its own colour; each line is labelled by its serial.
    const colours = ['#1a73e8', '#e8710a', '#137333', '#b00020', '#7b1fa2', '#00838f',
      '#f9ab00', '#5f6368', '#d01884', '#188038', '#a142f4', '#795548'];
    const series = [{}, ...serials.map((serial, index) => ({ label: serial, stroke: colours[index % colours.length] }))];
    // A recorder registered since (another pair) makes a new chart: its lines are labelled by serial.
    if (chart && chartSerials === serials.join(',')) {
      chart.setData(data);
    } else {
      if (chart) chart.destroy();
      chart = new uPlot({ width: Math.max(300, $('#chart').clientWidth), height: 200, series }, data, $('#chart'));
      chartSerials = serials.join(',');
    }
  } catch (e) {
    $('#chart').textContent = 'calls per minute unavailable: ' + e.message;
  }
}

// ---- Search ----

let nextCursor = null;

function searchQuery() {
  const query = new URLSearchParams({ limit: '50' });
  const text = (id) => $(id).value.trim();
  if (text('#participant')) query.set('participant', text('#participant'));
  if (text('#from')) query.set('from', localInstant(text('#from')));
  if (text('#to')) query.set('to', localInstant(text('#to')));
  for (const name of ['serial', 'callRole', 'minDuration', 'maxDuration', 'complete', 'quirks']) {
    if (text('#' + name)) query.set(name, text('#' + name));
  }
  return query;
}

async function search(more) {
  const query = searchQuery();
  if (more && nextCursor) query.set('cursor', nextCursor);
  $('#search-error').textContent = '';
  try {
    const { json, response } = await api('GET', '/api/interactions?' + query);
    const body = $('#results tbody');
    if (!more) body.replaceChildren();
    for (const interaction of json) {
      const names = (interaction.participants || []).map((p) => (p.name ? p.name + ' ' : '') + '<' + p.aor + '>');
      const tr = row([new Date(interaction.start).toLocaleString(), seconds(interaction.start, interaction.end),
        names.join(', '), interaction.copies.length, interaction.bestInum]);
      tr.className = 'result';
      tr.dataset.id = interaction.id;
      tr.addEventListener('click', () => showInteraction(interaction.id));
      body.appendChild(tr);
    }
    nextCursor = response.headers.get('X-Tandem-Next-Cursor');
    $('#more').hidden = !nextCursor;
    exportLink(searchQuery());
  } catch (e) {
    $('#search-error').textContent = e.message;
  }
}

/** Points "Download ZIP" at the same search's export: every result up to the export's cap, with a manifest. */
function exportLink(query) {
  query.set('limit', '500');
  $('#download-zip').href = '/api/interactions/export.zip?' + query;
  $('#download-zip').hidden = false;
}

// ---- Call detail and player ----

let waveform = null;

async function showInteraction(id) {
  const { json } = await api('GET', '/api/interactions/' + id);
  $('#detail').hidden = false;
  $('#detail').dataset.id = id;
  $('#detail-id').textContent = id;
  $('#detail-times').textContent = new Date(json.start).toLocaleString() + ' · ' + seconds(json.start, json.end);
  $('#detail-participants').replaceChildren(...(json.participants || []).map((p) =>
    element('li', (p.name ? p.name + ' ' : '') + '<' + p.aor + '>')));
  const copies = $('#detail-copies tbody');
  copies.replaceChildren();
  for (const copy of json.copies) {
    const play = element('button', 'Play this copy');
    play.type = 'button';
    play.addEventListener('click', () => play_('/api/interactions/' + id + '/copies/' + copy.inum + '/media',
        'copy ' + copy.inum));
    const dtmf = (copy.dtmf || []).map((d) => d.digit + '@' + d.startMillis + 'ms').join(' ');
    const tr = row([copy.inum + (copy.inum === json.bestInum ? ' (best)' : ''), copy.serial, copy.callRole,
      copy.complete ? 'complete' : 'truncated', (copy.quirks || []).join(', '), dtmf, play]);
    tr.className = 'copy';
    tr.dataset.inum = copy.inum;
    copies.appendChild(tr);
  }
  play_('/api/interactions/' + id + '/media', 'the best copy that can be read');
  $('#detail').scrollIntoView();
}

function play_(url, what) {
  const audio = $('#player');
  audio.src = url;
  $('#download').href = url;
  $('#playing').textContent = '(' + what + ')';
  if (waveform) waveform.destroy();
  waveform = WaveSurfer.create({ container: '#waveform', backend: 'MediaElement', height: 80,
    waveColor: '#9ab3d9', progressColor: '#1a73e8' });
  waveform.load(audio);
}

// ---- Jobs ----

async function startJob(path, body) {
  $('#job-error').textContent = '';
  try {
    const { json } = await api('POST', path, body);
    followJob(json.id);
  } catch (e) {
    $('#job-error').textContent = e.message;
  }
}

function followJob(id) {
  const tr = row([id, '', '', 'RUNNING', '', '']);
  tr.className = 'job';
  tr.dataset.id = id;
  $('#jobs tbody').prepend(tr);
  const timer = setInterval(async () => {
    try {
      const { json } = await api('GET', '/api/jobs/' + id);
      const progress = json.progress ? Object.entries(json.progress).map(([k, v]) => k + ' ' + v).join(', ') : '';
      tr.replaceChildren(...row([id, json.kind, json.serial, json.state, progress,
        json.summary || json.error || '']).childNodes);
      tr.dataset.state = json.state;
      if (json.state !== 'RUNNING') clearInterval(timer);
    } catch (e) {
      tr.dataset.state = 'UNKNOWN';
      tr.lastChild.textContent = e.message;
      clearInterval(timer);
    }
  }, 1000);
}

// ---- Archive rules ----

async function refreshRules() {
  const { json } = await api('GET', '/api/archive-rules');
  const body = $('#rules tbody');
  body.replaceChildren();
  for (const rule of json) {
    const toggle = element('input');
    toggle.type = 'checkbox';
    toggle.checked = rule.enabled;
    const { id, ...settings } = rule;
    toggle.addEventListener('change', () => changeRule(() => api('PUT', '/api/archive-rules/' + id,
      { ...settings, enabled: toggle.checked })));
    const remove = element('button', 'Remove');
    remove.type = 'button';
    remove.addEventListener('click', () => changeRule(() => api('DELETE', '/api/archive-rules/' + rule.id)));
    const lock = [rule.retentionMode ? rule.retentionMode + ' ' + rule.retentionDays + ' d' : '',
      rule.legalHold ? 'legal hold' : ''].filter(Boolean).join(', ');
    const where = rule.target ?? ('S3 ' + rule.s3Target + ': ' + rule.keyPrefix + (lock ? ' (' + lock + ')' : ''));
    const tr = row([rule.name, where, rule.recorderSerial === null ? 'all' : rule.recorderSerial,
      rule.minDurationSeconds, toggle, remove]);
    tr.dataset.id = rule.id;
    body.appendChild(tr);
  }
}

async function changeRule(change) {
  $('#rule-error').textContent = '';
  try {
    await change();
  } catch (e) {
    $('#rule-error').textContent = e.message;
  }
  await refreshRules();
}

// ---- Wiring ----

let started = false;

/** Loads everything the page shows; again after signing in. */
function start() {
  startLive();
  refreshChart();
  refreshRules().catch((e) => { $('#rule-error').textContent = e.message; });
  search(false);
  if (!started) {
    started = true;
    setInterval(refreshChart, 30_000);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('#login-form').addEventListener('submit', login);
  $('#search-form').addEventListener('submit', (event) => { event.preventDefault(); search(false); });
  $('#more').addEventListener('click', () => search(true));
  $('#reprocess-form').addEventListener('submit', (event) => {
    event.preventDefault();
    startJob('/api/reprocess', { serial: $('#reprocess-serial').value.trim(),
      from: localInstant($('#reprocess-from').value), to: localInstant($('#reprocess-to').value) });
  });
  $('#rebuild-form').addEventListener('submit', (event) => {
    event.preventDefault();
    startJob('/api/rebuild', { serial: $('#rebuild-serial').value.trim(), command: $('#rebuild-command').value });
  });
  $('#rule-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const serial = $('#rule-serial').value.trim();
    changeRule(() => api('POST', '/api/archive-rules', { name: $('#rule-name').value, target: $('#rule-target').value,
      recorderSerial: serial ? Number(serial) : null, minDurationSeconds: Number($('#rule-min').value || 0) }));
  });
  start();
});
