<section class="card{{#if tone}} card--{{tone}}{{/if}}" role="status">
  <h1>{{title}}</h1>
  <p class="lead">{{lead}}</p>
  <p>{{next}}</p>
</section>
{{#if course.title}}{{> course}}{{/if}}
