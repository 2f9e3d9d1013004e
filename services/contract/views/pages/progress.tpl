<section class="card progress" role="status">
  <div class="spinner" aria-hidden="true"></div>
  <h1>{{heading}}</h1>
  <p>{{lead}}</p>
  <p class="muted">Страница обновится сама через несколько секунд. Если этого не произошло, <a href="{{pageUrl}}">обновите её</a>.</p>
</section>
{{> course}}
