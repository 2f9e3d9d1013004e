<section class="card card--success" role="status">
  <h1>Договор заключён</h1>
  <p class="lead">Спасибо! Договор подписан{{#if signedAt}} {{signedAt}}{{/if}}. Копия отправлена на {{sentTo}}.</p>
</section>
{{> course}}
<section class="card" aria-labelledby="signed-title">
  <h2 id="signed-title">Подписанный договор</h2>
  {{#if documents}}
    <p>В конце договора — лист подписания: кто, когда и каким кодом подписал, и отпечаток (SHA-256) проекта.</p>
    {{#with documents}}{{> document}}{{/with}}
  {{else}}
    <p>Документ ещё готовится. <a href="{{pageUrl}}">Обновите страницу</a> через минуту.</p>
  {{/if}}
</section>
<section class="card card--quiet">
  <h2>Что дальше</h2>
  <p>Школа пришлёт расписание и доступ к занятиям перед стартом курса. Эта страница остаётся вашим личным кабинетом по договору: откройте её по ссылке из письма.</p>
</section>
