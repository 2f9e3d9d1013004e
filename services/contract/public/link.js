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

  // The token goes in a JSON body to the user service's link routes and to the renewal route.
  function post(url) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token: decodeURIComponent(token) }),
    });
  }

  // 410: unknown or expired (one answer for both); 400: not even shaped like a token.
  function failed(response) {
    if (response.status === 410 || response.status === 400) return showInvalid();
    if (response.status === 429) return show('busy');
    show('failed');
  }

  // A link that no longer opens may have been replaced by a newer one or have lapsed while the
  // application goes on: the client can ask for a new one (sent to the address the school has).
  function showInvalid() {
    document.querySelector('[data-renewal]').hidden = false;
    show('invalid');
  }

  var RENEWAL_REFUSALS = {
    APPLICATION_ENDED: 'renewal-ended',
    CONTRACT_SIGNED: 'renewal-signed',
    NOT_AWAITING_CLIENT: 'renewal-later',
    LINK_RENEWAL_LIMIT_REACHED: 'renewal-limit',
    LINK_UNKNOWN: 'renewal-unknown',
    VALIDATION_FAILED: 'renewal-unknown',
    TOO_MANY_REQUESTS: 'busy',
  };

  /** A renewal's answer that names the (masked) address the link went or goes to. */
  function showSentTo(state, sentTo) {
    document.querySelectorAll('[data-sent-to]').forEach(function (el) {
      el.textContent = sentTo;
    });
    show(state);
  }

  function renew(event) {
    event.target.disabled = true;
    post('/api/contract/public/link-renewals')
      .then(function (response) {
        return response.json().then(
          function (body) {
            if (response.ok) {
              return showSentTo(body.result === 'reissued' ? 'renewal-sent' : 'renewal-passed', body.sentTo);
            }
            // It opens after all (a moment ago it did not): open it as usual.
            if (body.code === 'LINK_STILL_VALID') return location.reload();
            if (body.code === 'LINK_REPLACED' && body.details) {
              return showSentTo('renewal-replaced', body.details.sentTo);
            }
            show(RENEWAL_REFUSALS[body.code] || 'failed');
          },
          function () {
            show('failed');
          },
        );
      })
      .catch(function () {
        show('failed');
      });
  }
  document.querySelector('[data-renew]').addEventListener('click', renew);

  function open() {
    show('opening');
    post('/api/user/client-links/exchange')
      .then(function (response) {
        if (!response.ok) return failed(response);
        return response.json().then(function (body) {
          location.replace('/client/' + encodeURIComponent(body.applicationId));
        });
      })
      .catch(function () {
        show('failed');
      });
  }

  // Whose link this is comes first: a first opening, or one that would replace the session of
  // another application in this browser, waits for the person to recognise their name.
  post('/api/user/client-links/preview')
    .then(function (response) {
      if (!response.ok) return failed(response);
      return response.json().then(function (preview) {
        if (!preview.firstOpening && !preview.replacesSession) return open();
        document.querySelector('[data-holder-name]').textContent = preview.holder.name || 'вас';
        document.querySelector('[data-holder-email]').textContent = preview.holder.email || 'из заявки';
        document.querySelector('[data-replaces]').hidden = !preview.replacesSession;
        document.querySelector('[data-open]').addEventListener('click', open);
        show('confirm');
      });
    })
    .catch(function () {
      show('failed');
    });
})();
