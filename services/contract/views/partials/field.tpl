<div class="field{{#if error}} field--invalid{{/if}}">
  <label class="field__label" for="{{id}}">{{label}}{{#if optional}} <span class="field__optional">(необязательно)</span>{{/if}}</label>
  {{#if hint}}<p class="field__hint" id="{{hintId}}">{{hint}}</p>{{/if}}
  {{#if error}}<p class="field__error" id="{{errorId}}"><span class="visually-hidden">Ошибка: </span>{{error}}</p>{{/if}}
  {{#if textarea}}
  <textarea class="field__control" id="{{id}}" name="{{name}}"{{#each attrs}} {{name}}="{{value}}"{{/each}}{{#if describedBy}} aria-describedby="{{describedBy}}"{{/if}}{{#if error}} aria-invalid="true"{{/if}}>{{value}}</textarea>
  {{else}}
  <input class="field__control" id="{{id}}" name="{{name}}" type="{{type}}" value="{{value}}"{{#each attrs}} {{name}}="{{value}}"{{/each}}{{#if describedBy}} aria-describedby="{{describedBy}}"{{/if}}{{#if error}} aria-invalid="true"{{/if}}>
  {{/if}}
  {{#if liveId}}<p class="field__live" id="{{liveId}}" aria-live="polite" data-promo-result hidden></p>{{/if}}
</div>
