<h1>Отказ от договора</h1>
<p class="lead">Вы действительно хотите отказаться от договора на курс «{{course.title}}»? Это окончательно: место на курсе освободится, подписать этот договор будет уже нельзя.</p>

<form class="form card" method="post" action="{{action}}" data-submit-once>
  <fieldset class="field{{#if reasonCodeError}} field--invalid{{/if}}"{{#if reasonCodeError}} aria-describedby="f-reason-code-error"{{/if}}>
    <legend class="field__label">Почему вы отказываетесь?</legend>
    {{#if reasonCodeError}}<p class="field__error" id="f-reason-code-error" role="alert"><span class="visually-hidden">Ошибка: </span>{{reasonCodeError}}</p>{{/if}}
    {{#each reasons}}
    <div class="field--radio">
      <input class="field__radio" id="f-reason-{{code}}" name="reasonCode" type="radio" value="{{code}}"{{#if checked}} checked{{/if}}>
      <label for="f-reason-{{code}}">{{label}}</label>
    </div>
    {{/each}}
  </fieldset>
  <div class="field{{#if error}} field--invalid{{/if}}">
    <label class="field__label" for="f-reason">Расскажите подробнее</label>
    <p class="field__hint" id="f-reason-hint">Коротко, своими словами — это поможет школе стать лучше. Обязательно, если выбрано «Другая причина» или ничего не выбрано.</p>
    {{#if error}}<p class="field__error" id="f-reason-error" role="alert"><span class="visually-hidden">Ошибка: </span>{{error}}</p>{{/if}}
    <textarea class="field__control" id="f-reason" name="reason" rows="4" maxlength="1000" aria-describedby="{{#if error}}f-reason-error {{/if}}f-reason-hint"{{#if error}} aria-invalid="true" data-focus{{/if}}>{{reason}}</textarea>
  </div>
  <div class="actions">
    <button class="button button--danger" type="submit" data-busy-label="Отправляем…">Да, отказаться</button>
    <a class="button button--secondary" href="{{backUrl}}">Нет, вернуться к договору</a>
  </div>
</form>
