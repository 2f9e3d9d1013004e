<h1>Данные для договора</h1>
<p class="lead">Заполните данные — по ним мы подготовим договор на обучение. Затем вы прочитаете договор и подпишете его кодом из письма.</p>
{{> course}}
{{#if promoPending}}<p class="course__note">Промокод из заявки проверим после отправки данных.</p>{{/if}}
{{#if deadline}}<p class="deadline">Отправьте данные до {{deadline}}.</p>{{/if}}

{{#if errors.length}}
<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" data-focus>
  <h2 id="error-summary-title">Проверьте данные</h2>
  <ul>
    {{#each errors}}<li><a href="#{{id}}">{{label}}: {{message}}</a></li>{{/each}}
  </ul>
</div>
{{/if}}

<form class="form" id="form" method="post" action="{{action}}" data-submit-once>
  <p class="form__note">Все поля обязательны, кроме промокода.</p>
  {{#each groups}}
  <fieldset class="fieldset">
    <legend class="fieldset__legend">{{legend}}</legend>
    {{#each fields}}{{> field}}{{/each}}
  </fieldset>
  {{/each}}
  <fieldset class="fieldset">
    <legend class="fieldset__legend">Электронная почта</legend>
    <div class="field">
      <label class="field__label" for="f-email-fixed">Адрес для кода подписания и договора</label>
      <p class="field__hint" id="f-email-fixed-hint">Адрес указала школа. Если он неверный, не отправляйте форму — напишите в школу OTUS, и вам пришлют новую ссылку на верный адрес.</p>
      <input class="field__control" id="f-email-fixed" type="email" value="{{email}}" readonly aria-describedby="f-email-fixed-hint">
    </div>
  </fieldset>
  <p class="form__note">Нажимая «Отправить», вы соглашаетесь на обработку персональных данных для заключения договора. Паспортные данные хранятся в зашифрованном виде.</p>
  <button class="button" type="submit" data-busy-label="Отправляем…">Отправить</button>
</form>
