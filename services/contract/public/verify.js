/* global document, window, FileReader */
// The check page's file check: the browser computes the PDF's SHA-256 itself and sends only
// that to the JSON API, so the contract with its passport data never leaves the device.
// Without this script the page's form (number + SHA-256) still works.
(function () {
  'use strict';

  var API = '/api/contract/public/verifications';
  var results = document.querySelector('[data-verify-results]');
  var zone = document.querySelector('[data-verify-file]');
  var input = document.getElementById('verify-file-input');
  var dropZone = document.querySelector('[data-drop-zone]');
  var fileName = document.querySelector('[data-file-name]');
  if (!results || !zone || !input || !dropZone) return;

  var moscow = new Intl.DateTimeFormat('ru-RU', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Moscow',
  });

  function show(code) {
    var shown = null;
    results.querySelectorAll('[data-verify-result]').forEach(function (el) {
      var match = el.getAttribute('data-verify-result') === code;
      el.hidden = !match;
      if (match) shown = el;
    });
    if (shown && code !== 'WORKING') {
      var title = shown.querySelector('h2');
      if (title) document.title = title.textContent + ' — OTUS';
      results.focus();
    }
    return shown;
  }

  function slot(block, name, value) {
    var el = block.querySelector('[data-slot="' + name + '"]');
    if (el) el.textContent = value || '';
    var row = block.querySelector('[data-fact="' + name + '"]');
    if (row) row.hidden = !value;
  }

  function sealWords(el, answer) {
    if (answer.sealIntact === undefined) return el.getAttribute('data-seal-none');
    if (!answer.sealIntact) return el.getAttribute('data-seal-broken');
    return el.getAttribute(answer.sealedByUs ? 'data-seal-intact' : 'data-seal-foreign');
  }

  function render(answer) {
    var block = show(answer.result);
    if (!block) return show('FAILED');
    slot(block, 'sha256', answer.sha256);
    if (answer.result !== 'VALID') return;
    slot(block, 'contractNumber', answer.contractNumber);
    var signedAt = answer.signedAt ? new Date(answer.signedAt) : null;
    slot(block, 'signedAt', signedAt ? moscow.format(signedAt).replace(', ', ' в ') + ' (МСК)' : '');
    slot(block, 'signer', answer.signer);
    slot(block, 'templateVersion', answer.templateVersion);
    var seal = block.querySelector('[data-slot="seal"]');
    if (seal) seal.textContent = sealWords(seal, answer);
  }

  function hex(buffer) {
    return Array.prototype.map
      .call(new Uint8Array(buffer), function (b) {
        return ('0' + b.toString(16)).slice(-2);
      })
      .join('');
  }

  function read(file) {
    if (file.arrayBuffer) return file.arrayBuffer();
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        resolve(reader.result);
      };
      reader.onerror = reject;
      reader.readAsArrayBuffer(file);
    });
  }

  function isPdf(buffer) {
    var head = new Uint8Array(buffer, 0, Math.min(1024, buffer.byteLength));
    var text = String.fromCharCode.apply(null, head);
    return text.indexOf('%PDF-') !== -1;
  }

  function check(file) {
    if (!file) return;
    if (fileName) fileName.textContent = file.name;
    if (!window.crypto || !window.crypto.subtle) return show('UNSUPPORTED');
    show('WORKING');
    read(file)
      .then(function (buffer) {
        if (!isPdf(buffer)) return show('NOT_PDF');
        return window.crypto.subtle.digest('SHA-256', buffer).then(function (digest) {
          var sha256 = hex(digest);
          var field = document.getElementById('f-sha256');
          if (field) field.value = sha256;
          return fetch(API, {
            method: 'POST',
            credentials: 'omit',
            cache: 'no-store',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ sha256: sha256 }),
          }).then(function (response) {
            if (response.ok) return response.json().then(render);
            if (response.status === 429) return show('BUSY');
            show('FAILED');
          });
        });
      })
      .catch(function () {
        show('FAILED');
      });
  }

  zone.hidden = false;
  input.addEventListener('change', function () {
    check(input.files && input.files[0]);
  });
  ['dragenter', 'dragover'].forEach(function (type) {
    dropZone.addEventListener(type, function (event) {
      event.preventDefault();
      dropZone.classList.add('drop-zone--over');
    });
  });
  ['dragleave', 'drop'].forEach(function (type) {
    dropZone.addEventListener(type, function () {
      dropZone.classList.remove('drop-zone--over');
    });
  });
  dropZone.addEventListener('drop', function (event) {
    event.preventDefault();
    var files = event.dataTransfer && event.dataTransfer.files;
    check(files && files[0]);
  });

  // After the server's answer (the form without this script's help), start at the result or the errors.
  var first = document.querySelector('[data-focus]');
  if (first) first.focus();
})();
