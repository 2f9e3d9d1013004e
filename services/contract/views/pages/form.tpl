{{#if correction}}
<h1>Исправление данных</h1>
<p class="lead">Исправьте данные, в которых ошиблись, и отправьте форму. По ним мы составим новый проект договора.</p>
<div class="notice notice--warning" id="correction-notice">
  <p>Текущий проект договора будет отозван: подписать его будет нельзя, а код, если вы его получали, перестанет действовать. Новый проект мы составим по исправленным данным и пришлём на {{correction.sentTo}}.</p>
  <p>Срок подписания не изменится{{#if correction.signDeadline}}: подпишите договор до {{correction.signDeadline}}{{/if}}.</p>
  <p>{{correction.remaining}}</p>
</div>
{{> course}}
{{else}}
<h1>Данные для договора</h1>
<p class="lead">Заполните данные — по ним мы подготовим договор на обучение. Затем вы прочитаете договор и подпишете его кодом из письма.</p>
{{> course}}
{{#if promoPending}}<p class="course__note">Промокод из заявки проверим после отправки данных.</p>{{/if}}
{{#if deadline}}<p class="deadline">Отправьте данные до {{deadline}}.</p>{{/if}}
{{/if}}

{{#if errors.length}}
<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" data-focus>
  <h2 id="error-summary-title">Проверьте данные</h2>
  <ul>
    {{#each errors}}<li><a href="#{{id}}">{{label}}: {{message}}</a></li>{{/each}}
  </ul>
</div>
{{/if}}

<form class="form" id="form" method="post" action="{{action}}" data-submit-once{{#if promoCheck}} data-promo-check="{{promoCheck.url}}" data-course-code="{{promoCheck.courseCode}}" data-price-kopecks="{{promoCheck.priceKopecks}}"{{/if}}>
  <p class="form__note">{{#if correction}}Все поля обязательны.{{else}}Все поля обязательны, кроме промокода.{{/if}}</p>
  {{#each groups}}
  <fieldset class="fieldset">
    <legend class="fieldset__legend">{{legend}}</legend>
    {{#each fields}}{{> field}}{{/each}}
  </fieldset>
  {{/each}}
  {{#if correction.promoCode}}
  <fieldset class="fieldset">
    <legend class="fieldset__legend">Промокод</legend>
    <div class="field">
      <label class="field__label" for="f-promoCode-fixed">Промокод</label>
      <p class="field__hint" id="f-promoCode-fixed-hint">Промокод при исправлении данных не меняется: цена уже рассчитана.</p>
      <input class="field__control" id="f-promoCode-fixed" type="text" value="{{correction.promoCode}}" readonly aria-describedby="f-promoCode-fixed-hint">
    </div>
  </fieldset>
  {{/if}}
  <fieldset class="fieldset">
    <legend class="fieldset__legend">Электронная почта</legend>
    <div class="field">
      <label class="field__label" for="f-email-fixed">Адрес для кода подписания и договора</label>
      <p class="field__hint" id="f-email-fixed-hint">Адрес указала школа. Если он неверный, не отправляйте форму — напишите в школу OTUS, и вам пришлют новую ссылку на верный адрес.</p>
      <input class="field__control" id="f-email-fixed" type="email" value="{{email}}" readonly aria-describedby="f-email-fixed-hint">
    </div>
  </fieldset>
  <div class="field field--checkbox{{#if consent.error}} field--invalid{{/if}}">
    {{#if consent.error}}<p class="field__error" id="{{consent.errorId}}"><span class="visually-hidden">Ошибка: </span>{{consent.error}}</p>{{/if}}
    <input class="field__checkbox" id="{{consent.id}}" name="consent" type="checkbox" value="yes" required{{#if consent.checked}} checked{{/if}}{{#if consent.error}} aria-invalid="true" aria-describedby="{{consent.errorId}}"{{/if}} data-msg-missing="{{consent.message}}">
    <label class="field__label" for="{{consent.id}}">Я согласен(-на) на обработку моих персональных данных для заключения и исполнения договора — в соответствии с <a href="{{consent.policyUrl}}" target="_blank" rel="noopener">политикой обработки персональных данных</a> (редакция {{consent.policyVersion}}).</label>
  </div>
  <p class="form__note">Паспортные данные хранятся в зашифрованном виде.</p>
  <button class="button" type="submit" data-busy-label="Отправляем…">{{#if correction}}Отправить исправленные данные{{else}}Отправить{{/if}}</button>
</form>
{{#if correction}}<p><a href="{{correction.backUrl}}">Вернуться к договору без исправлений</a></p>{{/if}}
