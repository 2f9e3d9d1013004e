/* global document */
// Small improvements over plain HTML forms; every page works without this file.
(function () {
  'use strict';

  // The server's own Russian messages in the browser's checks, whatever the browser's language.
  document.querySelectorAll('[data-msg-missing], [data-msg-invalid]').forEach(function (control) {
    control.addEventListener('invalid', function () {
      var v = control.validity;
      var missing = v.valueMissing || v.tooShort;
      control.setCustomValidity(
        (missing ? control.getAttribute('data-msg-missing') : control.getAttribute('data-msg-invalid')) || '',
      );
    });
    control.addEventListener('input', function () {
      control.setCustomValidity('');
      if (control.getAttribute('aria-invalid') === 'true' && control.checkValidity()) {
        control.removeAttribute('aria-invalid');
      }
    });
  });

  // One press sends once: the button says what is happening and cannot be pressed twice.
  document.querySelectorAll('form[data-submit-once]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (form.getAttribute('data-sending') === 'true') {
        event.preventDefault();
        return;
      }
      form.setAttribute('data-sending', 'true');
      form.setAttribute('aria-busy', 'true');
      var button = form.querySelector('button[type="submit"]');
      if (button) {
        var busy = button.getAttribute('data-busy-label');
        setTimeout(function () {
          button.disabled = true;
          if (busy) button.textContent = busy;
        }, 0);
      }
    });
  });

  // "Get a new code" waits out the server's one-minute pause, counting down.
  document.querySelectorAll('button[data-available-at]').forEach(function (button) {
    var at = Date.parse(button.getAttribute('data-available-at'));
    if (isNaN(at)) return;
    var label = button.textContent;
    function tick() {
      var left = Math.ceil((at - Date.now()) / 1000);
      if (left <= 0) {
        button.disabled = false;
        button.textContent = label;
        return;
      }
      button.disabled = true;
      button.textContent = label + ' (через ' + left + '\u00a0с)';
      setTimeout(tick, 1000);
    }
    tick();
  });

  // A link of the error summary puts the cursor into its field, not only the field into view.
  document.querySelectorAll('.error-summary a[href^="#"]').forEach(function (link) {
    link.addEventListener('click', function (event) {
      var field = document.getElementById(link.getAttribute('href').slice(1));
      if (!field) return;
      event.preventDefault();
      var label = document.querySelector('label[for="' + field.id + '"]');
      (label || field).scrollIntoView({ block: 'start' });
      field.focus({ preventScroll: true });
    });
  });

  // After a failed submission, start where the problem is.
  var first = document.querySelector('[data-focus]');
  if (first) first.focus();
})();
