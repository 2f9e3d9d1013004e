/* global document, window */
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

  // The promo code is checked as it is typed (the promo service's public check); the server
  // checks it again after submission, so this only tells early. No answer: nothing is shown.
  document.querySelectorAll('form[data-promo-check]').forEach(function (form) {
    var input = form.querySelector('input[name="promoCode"]');
    var out = input && document.getElementById(input.id + '-live');
    if (!input || !out || typeof window.fetch !== 'function') return;
    var url = form.getAttribute('data-promo-check');
    var courseCode = form.getAttribute('data-course-code');
    var price = Number(form.getAttribute('data-price-kopecks'));
    var reasons = {
      PROMO_INVALID: 'Такого промокода нет. Проверьте, как он написан.',
      PROMO_EXPIRED: 'Срок действия промокода истёк.',
      PROMO_EXHAUSTED: 'Промокод уже использован максимальное число раз.',
      PROMO_NOT_APPLICABLE: 'Промокод не действует для этого курса.',
    };
    var rubles = function (kopecks) {
      return new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB' }).format(kopecks / 100);
    };
    var timer = null;
    var asked = 0;
    function show(text, state) {
      out.textContent = text;
      out.setAttribute('data-state', state);
      out.hidden = !text;
    }
    function check() {
      var code = input.value.trim();
      var mine = ++asked;
      if (!code) return show('', '');
      if (!/^[A-Za-z0-9-]{1,40}$/.test(code)) return show(input.getAttribute('data-msg-invalid') || '', 'no');
      show('Проверяем промокод…', 'wait');
      window
        .fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          credentials: 'omit',
          body: JSON.stringify({ code: code, courseCode: courseCode, priceKopecks: price }),
        })
        .then(function (res) {
          if (res.status === 429) throw new Error('busy');
          if (!res.ok) throw new Error(String(res.status));
          return res.json();
        })
        .then(function (answer) {
          if (mine !== asked) return;
          if (answer.applicable) {
            show(
              'Промокод действует: скидка ' +
                rubles(answer.discountKopecks) +
                ', к оплате ' +
                rubles(answer.finalPriceKopecks) +
                '.',
              'ok',
            );
          } else {
            show((reasons[answer.reason] || 'Промокод не действует.') + ' Цена — без скидки.', 'no');
          }
        })
        .catch(function () {
          if (mine === asked) show('Не удалось проверить промокод сейчас — проверим после отправки данных.', 'wait');
        });
    }
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(check, 500);
    });
    if (input.value.trim()) check();
  });

  // After a failed submission, start where the problem is.
  var first = document.querySelector('[data-focus]');
  if (first) first.focus();
})();
