<h1>Проверьте и подпишите договор</h1>
<p class="lead">Прочитайте проект договора. Если всё верно, получите код на почту и введите его — это ваша простая электронная подпись.</p>
{{#if deadline}}<p class="deadline">Подпишите договор до {{deadline}}.</p>{{/if}}
{{#if correction.corrected}}<p class="notice notice--success">Проект составлен по исправленным данным; прежний проект отозван.</p>{{/if}}
{{> course}}

<section class="card" aria-labelledby="draft-title">
  <h2 id="draft-title">Проект договора</h2>
  {{#with documents}}{{> document}}{{/with}}
</section>

<section class="card" id="code" aria-labelledby="code-title" tabindex="-1">
  <h2 id="code-title">Подписание</h2>
  {{#if notice}}<p class="notice notice--error" role="alert" data-focus tabindex="-1">{{notice}}</p>{{/if}}

  {{#if code.active}}
  <p class="notice notice--success">Код отправлен на {{sentTo}} в {{code.sentAt}} (МСК). Он действует до {{code.expiresAt}}; осталось {{code.attemptsLeft}}.</p>
  <form class="form form--inline" method="post" action="{{signAction}}" data-submit-once>
    <div class="field{{#if codeError}} field--invalid{{/if}}">
      <label class="field__label" for="f-signingCode">Код из письма</label>
      <p class="field__hint" id="f-signingCode-hint">6 цифр</p>
      {{#if codeError}}<p class="field__error" id="f-signingCode-error" role="alert"><span class="visually-hidden">Ошибка: </span>{{codeError}}</p>{{/if}}
      <input class="field__control field__control--code" id="f-signingCode" name="signingCode" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="\s*(?:\d\s*){6}" maxlength="12" required spellcheck="false" value="{{codeValue}}" data-msg-missing="Введите код из письма" data-msg-invalid="Код — 6 цифр из письма" aria-describedby="{{#if codeError}}f-signingCode-error {{/if}}f-signingCode-hint"{{#if codeError}} aria-invalid="true" data-focus{{/if}}>
    </div>
    <button class="button" type="submit" data-busy-label="Проверяем…">Подписать договор</button>
  </form>
  {{else}}
    {{#if codeError}}<p class="notice notice--error" role="alert" data-focus tabindex="-1">{{codeError}}</p>{{/if}}
    {{#if code.expired}}<p class="notice notice--warning">Срок действия кода истёк. Получите новый код.</p>{{/if}}
    {{#if code.locked}}<p class="notice notice--warning">Код заблокирован после неверных попыток. Получите новый код.</p>{{/if}}
    {{#unless code.requested}}<p>Мы отправим шестизначный код на {{sentTo}}. Код действует 10 минут.</p>{{/unless}}
  {{/if}}

  <form class="form form--secondary" method="post" action="{{sendCodeAction}}" data-submit-once>
    <button class="button{{#if code.active}} button--secondary{{/if}}" type="submit" data-busy-label="Отправляем код…"{{#if code.resendAt}} data-available-at="{{code.resendAt}}"{{/if}}>{{sendLabel}}</button>
    {{#if code.active}}<p class="muted" data-countdown-for>Новый код можно получить через минуту после предыдущего.</p>{{/if}}
  </form>
</section>

{{#if correction.shown}}
<section class="card card--quiet" id="correction" aria-labelledby="correction-title" tabindex="-1">
  <h2 id="correction-title">Ошиблись в данных?</h2>
  {{#if correction.notice}}<p class="notice notice--error" role="alert" data-focus tabindex="-1">{{correction.notice}}</p>{{/if}}
  {{#if correction.offered}}
  <p>Исправьте их до подписания: мы отзовём этот проект, составим новый и пришлём его на {{sentTo}}. Срок подписания не изменится. Исправить данные можно ещё {{correction.left}}.</p>
  <p><a class="button button--secondary" href="{{correction.url}}">Исправить данные</a></p>
  {{else}}
  {{#unless correction.notice}}<p>Данные больше исправить нельзя. Если в договоре ошибка, откажитесь от него или напишите в школу OTUS.</p>{{/unless}}
  {{/if}}
</section>
{{/if}}

<section class="card card--quiet" aria-labelledby="decline-title">
  <h2 id="decline-title">Передумали?</h2>
  <p>Вы можете отказаться от договора. Место на курсе освободится.</p>
  <p><a class="button button--danger-outline" href="{{declineUrl}}">Отказаться от договора</a></p>
</section>
