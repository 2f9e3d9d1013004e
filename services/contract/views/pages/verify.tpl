<h1>Проверка договора</h1>
<p class="lead">Проверьте, что договор выдан онлайн-школой OTUS через OTUS Contract и не изменён после подписания.</p>

<div class="verify-results" id="result" tabindex="-1" aria-live="polite" data-verify-results{{#if shown}} data-focus{{/if}}>
  {{#each results}}
  <section class="card card--{{tone}} verify-result" data-verify-result="{{code}}"{{#unless shown}} hidden{{/unless}}>
    <h2>{{title}}</h2>
    {{#if valid}}
    <p class="lead">Договор № <strong data-slot="contractNumber">{{contractNumber}}</strong> подписан <span data-slot="signedAt">{{signedAt}}</span>.</p>
    <dl class="facts">
      <div class="facts__row" data-fact="signer"{{#unless signer}} hidden{{/unless}}><dt>Подписант</dt><dd data-slot="signer">{{signer}}</dd></div>
      <div class="facts__row" data-fact="templateVersion"{{#unless templateVersion}} hidden{{/unless}}><dt>Шаблон договора</dt><dd>версия <span data-slot="templateVersion">{{templateVersion}}</span></dd></div>
      <div class="facts__row"><dt>Печать школы</dt><dd data-slot="seal" data-seal-intact="{{../sealWords.intact}}" data-seal-foreign="{{../sealWords.foreign}}" data-seal-broken="{{../sealWords.broken}}" data-seal-none="{{../sealWords.none}}">{{seal}}</dd></div>
    </dl>
    <p class="muted">Персональные данные не показываются: у подписанта видны только первая буква фамилии и инициалы.</p>
    {{else}}
    <p class="lead">{{lead}}</p>
    <p>{{next}}</p>
    {{/if}}
    <p class="muted verify-result__hash">SHA-256 файла: <code data-slot="sha256">{{sha256}}</code></p>
  </section>
  {{/each}}
  <section class="card" data-verify-result="WORKING" role="status" hidden>
    <h2>Проверяем…</h2>
    <p>Вычисляем отпечаток файла и сверяем его с реестром школы.</p>
  </section>
  <section class="card card--error" data-verify-result="NOT_PDF" hidden>
    <h2>Это не PDF-файл</h2>
    <p>Выберите файл договора в формате PDF — тот, что вы скачали со страницы договора или получили в письме.</p>
  </section>
  <section class="card card--error" data-verify-result="UNSUPPORTED" hidden>
    <h2>Браузер не может проверить файл</h2>
    <p>Этот браузер не умеет вычислять отпечаток файла. Откройте страницу в современном браузере или введите отпечаток SHA-256 в форму ниже.</p>
  </section>
  <section class="card card--info" data-verify-result="BUSY" hidden>
    <h2>Слишком много проверок</h2>
    <p>Подождите минуту и попробуйте ещё раз.</p>
  </section>
  <section class="card card--error" data-verify-result="FAILED" hidden>
    <h2>Не удалось проверить</h2>
    <p>Похоже, пропало соединение или сервис временно недоступен. Попробуйте ещё раз через минуту.</p>
  </section>
</div>

<section class="card verify-file" aria-labelledby="verify-file-title" data-verify-file hidden>
  <h2 id="verify-file-title">Проверить файл</h2>
  <label class="drop-zone" for="verify-file-input" data-drop-zone>
    <span class="drop-zone__title">Перетащите PDF договора</span>
    <span class="drop-zone__hint">или нажмите, чтобы выбрать файл</span>
    <span class="drop-zone__name" data-file-name></span>
    <input class="drop-zone__input" id="verify-file-input" type="file" accept="application/pdf,.pdf" aria-describedby="verify-file-note">
  </label>
  <p class="muted" id="verify-file-note">Файл не покидает ваше устройство: браузер вычисляет его отпечаток (SHA-256), и на проверку уходит только отпечаток.</p>
</section>

{{#if errors.length}}
<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" data-focus>
  <h2 id="error-summary-title">Проверьте данные</h2>
  <ul>
    {{#each errors}}<li><a href="#{{id}}">{{label}}: {{message}}</a></li>{{/each}}
  </ul>
</div>
{{/if}}

<form class="card form verify-form" id="verify-form" method="post" action="/verify">
  <h2>Проверить по номеру и отпечатку</h2>
  <p class="form__note">Если файла под рукой нет или JavaScript выключен: введите отпечаток SHA-256 файла и, если знаете, номер договора.</p>
  {{#each fields}}{{> field}}{{/each}}
  <button class="button" type="submit">Проверить</button>
</form>

<section class="card card--quiet">
  <h2>Что проверяется</h2>
  <p>Каждый договор, подписанный в OTUS Contract, хранится в реестре школы вместе с его отпечатком SHA-256. Изменение любого байта файла меняет отпечаток, поэтому изменённый договор не найдётся. Подписанный договор также заверен электронной печатью школы: её проверит и программа для чтения PDF.</p>
</section>
