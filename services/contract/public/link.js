/* global document, location */
// The link from the e-mail: trade its token for the session cookie, then go to the client's page.
// location.replace drops /l/<token> from the browser's history.
(function () {
  'use strict';

  function show(state) {
    document.querySelectorAll('[data-link-state]').forEach(function (el) {
      el.hidden = el.getAttribute('data-link-state') !== state;
    });
    var shown = document.querySelector('[data-link-state="' + state + '"]');
    if (shown && shown.getAttribute('data-title')) {
      document.title = shown.getAttribute('data-title') + ' — OTUS';
      shown.focus();
    }
  }

  show('opening');
  var match = /^\/l\/([^/?#]+)/.exec(location.pathname);
  var token = match ? match[1] : '';
  if (!token) {
    show('invalid');
    return;
  }

  fetch('/api/user/client-links/exchange', {
    method: 'POST',
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ token: decodeURIComponent(token) }),
  })
    .then(function (response) {
      if (response.ok) {
        return response.json().then(function (body) {
          location.replace('/client/' + encodeURIComponent(body.applicationId));
        });
      }
      // 410: unknown or expired (one answer for both); 400: not even shaped like a token.
      if (response.status === 410 || response.status === 400) return show('invalid');
      if (response.status === 429) return show('busy');
      show('failed');
    })
    .catch(function () {
      show('failed');
    });
})();
