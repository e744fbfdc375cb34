// On the operator's console: a banner while a supervisor listens in, coaches or is on the call (issue 20), in the
// server's words ("Your supervisor is listening"). Nothing comes when hotline.supervision.show-operator is off.
// Self-contained (one script tag): it opens its own live link once the page has signed in.
'use strict';

const Supervised = {
  async start() {
    while (!App.me) await new Promise((resolve) => { setTimeout(resolve, 100); });
    const banner = App.el('p', { id: 'supervised', class: 'banner', role: 'status', hidden: true });
    document.getElementById('callbar').append(banner);
    App.live({}).subscribe('/user/queue/supervision', (m) => {
      banner.hidden = !m.mode;
      banner.textContent = m.mode ? m.words : '';
      banner.dataset.mode = m.mode || '';
    });
  },
};

Supervised.start();
