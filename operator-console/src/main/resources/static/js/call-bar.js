// The call in front of the operator (issue 17): a bar that stays on screen while they type (caller, language,
// urgency, wait, ring or talk timer, Answer, Hang up, Escalate), a ring that cannot be missed in a background tab
// (a tone in a loop, a desktop notification, a flashing title, a timer), shortcuts that work inside form fields,
// and plain words when a call rang out or the caller hung up first.
'use strict';

const CallBar = {
  call: null,
  state: null,
  since: 0,
  timer: null,
  flasher: null,
  notification: null,
  homeTitle: document.title,

  init() {
    CallBar.homeTitle = document.title;
    const allow = CallBar.el('notify-allow');
    // Asked with a visible button, never on load: browsers refuse (and people distrust) a request out of nowhere.
    if ('Notification' in window && Notification.permission === 'default') {
      allow.hidden = false;
      allow.addEventListener('click', async () => {
        const answer = await Notification.requestPermission();
        allow.hidden = answer !== 'default';
        App.announce(answer === 'granted' ? 'Desktop notifications are on.' : 'Desktop notifications stay off.');
      });
    }
    CallBar.el('cb-escalate').addEventListener('click', CallBar.toEscalation);
    // Capture phase: the shortcut works while focus is in a field, and Alt+A types no "å" into it.
    document.addEventListener('keydown', CallBar.shortcut, true);
  },

  el(id) {
    return document.getElementById(id);
  },

  shortcut(e) {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    const target = { KeyA: 'answer', KeyH: 'hangup', KeyE: 'cb-escalate' }[e.code];
    if (!target) return;
    e.preventDefault();
    const button = CallBar.el(target);
    if (!CallBar.el('callbar').hidden && !button.hidden && !button.disabled) button.click();
  },

  toEscalation() {
    const section = CallBar.el('escalate');
    if (section.hidden) return;
    section.scrollIntoView({ block: 'start' });
    CallBar.el('esc-agency').focus();
  },

  // call: the screen pop or the server's current call; sinceSeconds: how long it has been in that state.
  show(call, state, sinceSeconds) {
    CallBar.call = call;
    CallBar.el('callbar').hidden = false;
    CallBar.el('cb-caller').textContent = call.callerMask;
    // A callback was dialled by the hotline: nobody waited and no menu was heard; the bar says whom it calls back.
    const callback = call.direction === 'CALLBACK';
    CallBar.el('cb-language').textContent = call.language ? App.language(call.language)
      : callback ? 'Not asked (a callback)' : 'Not chosen';
    CallBar.el('cb-urgency').textContent = callback ? 'Calling back' : call.urgent ? 'Someone may be in danger'
      : 'Not urgent';
    CallBar.el('cb-urgency').className = call.urgent ? 'badge badge-danger' : 'badge';
    CallBar.el('cb-wait').textContent = callback ? 'Callback' : 'Waited ' + App.duration(call.waitedSeconds || 0);
    CallBar.notice('');
    CallBar.setState(state, sinceSeconds);
  },

  setState(state, sinceSeconds = 0) {
    CallBar.state = state;
    CallBar.since = Date.now() - sinceSeconds * 1000;
    CallBar.el('cb-state').textContent = { RINGING: 'Ringing', TALKING: 'Talking', ENDED: 'Call ended',
      MISSED: 'Not answered' }[state];
    CallBar.el('callbar').classList.toggle('pop', state === 'RINGING');
    const sim = CallBar.call && CallBar.call.provider === 'sim';
    CallBar.el('answer').hidden = !(sim && state === 'RINGING');
    CallBar.el('hangup').hidden = !(sim && state === 'TALKING');
    CallBar.el('cb-escalate').hidden = state === 'MISSED' || !CallBar.el('esc-agency').options.length;
    CallBar.el('cb-wait').hidden = state === 'MISSED';
    clearInterval(CallBar.timer);
    CallBar.render();
    if (state === 'RINGING' || state === 'TALKING') CallBar.timer = setInterval(CallBar.render, 1000);
    if (state === 'RINGING') CallBar.ring(); else CallBar.silence();
    if (typeof Softphone !== 'undefined') Softphone.buttons();
  },

  render() {
    const seconds = (Date.now() - CallBar.since) / 1000;
    CallBar.el('cb-timer').textContent = CallBar.state === 'RINGING' ? 'Ringing for ' + App.duration(seconds)
      : CallBar.state === 'TALKING' ? 'Talking for ' + App.duration(seconds) : '';
  },

  ring() {
    const tone = CallBar.el('ring-tone');
    tone.currentTime = 0;
    const played = tone.play();
    // Without a click on the page first, a browser may hold the sound back: then the page says so.
    if (played && played.catch) played.catch(() => { CallBar.el('sound-blocked').hidden = false; });
    if ('Notification' in window && Notification.permission === 'granted' && !CallBar.notification) {
      try {
        // Nothing personal: a notification shows on a locked screen and in the system's history.
        CallBar.notification = new Notification('Incoming call', { tag: 'hotline-ring', requireInteraction: true,
          body: (CallBar.call.urgent ? 'Someone may be in danger. ' : '') + 'Answer it in the hotline console.' });
        CallBar.notification.onclick = () => { window.focus(); };
      } catch (e) { /* the page rings and flashes anyway */ }
    }
    if (!CallBar.flasher) {
      let on = true;
      document.title = '☎ Incoming call';
      CallBar.flasher = setInterval(() => {
        on = !on;
        document.title = on ? '☎ Incoming call' : CallBar.homeTitle;
      }, 1000);
    }
    App.announce('Incoming call' + (CallBar.call.urgent ? ': someone may be in danger' : ''), true);
  },

  silence() {
    CallBar.el('ring-tone').pause();
    CallBar.el('sound-blocked').hidden = true;
    if (CallBar.notification) {
      CallBar.notification.close();
      CallBar.notification = null;
    }
    clearInterval(CallBar.flasher);
    CallBar.flasher = null;
    document.title = CallBar.homeTitle;
  },

  // The offer went away before the operator answered: why, and where the call went, in words.
  missed(update) {
    CallBar.setState('MISSED');
    if (update.state === 'ENDED') {
      CallBar.notice('The caller hung up before you answered.');
    } else if (update.why === 'RANG_OUT') {
      CallBar.notice('You did not answer within ' + update.offerTimeoutSeconds + ' s, so you were set to Away. '
        + 'The call went back to the queue. Press Available when you are back.');
    } else if (update.why === 'WENT_AWAY') {
      CallBar.notice('You went Away while it rang. The call went back to the queue.');
    } else {
      CallBar.notice('Your phone did not take the call (busy or not reachable), so you were set to Away. '
        + 'The call went back to the queue. Press Available when you are back.');
    }
  },

  // Told only when the call that rang out here went on to someone else.
  offeredElsewhere() {
    const notice = CallBar.el('call-notice');
    notice.textContent = notice.textContent.replace('The call went back to the queue.',
      'The call went to another operator.');
  },

  notice(text) {
    const notice = CallBar.el('call-notice');
    notice.textContent = text;
    notice.hidden = !text;
  },
};
