<section class="card{{#if tone}} card--{{tone}}{{/if}}">
  <h1>{{title}}</h1>
  <p class="lead">{{lead}}</p>
  <p>{{next}}</p>
  {{#if traceId}}<p class="muted">Код ошибки: <code>{{traceId}}</code></p>{{/if}}
</section>
