<section class="card course" aria-labelledby="course-title">
  <h2 id="course-title" class="course__title">Курс «{{course.title}}»</h2>
  <dl class="facts">
    {{#if course.startDate}}<div class="facts__row"><dt>Старт</dt><dd>{{course.startDate}}</dd></div>{{/if}}
    {{#if course.price}}
      {{#if course.finalPrice}}
      <div class="facts__row"><dt>Стоимость</dt><dd><s aria-label="Без скидки {{course.price}}">{{course.price}}</s></dd></div>
      {{#if course.discount}}<div class="facts__row"><dt>Скидка</dt><dd>−{{course.discount}}</dd></div>{{/if}}
      <div class="facts__row facts__row--total"><dt>К оплате</dt><dd>{{course.finalPrice}}</dd></div>
      {{else}}
      <div class="facts__row facts__row--total"><dt>Стоимость</dt><dd>{{course.price}}</dd></div>
      {{/if}}
    {{/if}}
  </dl>
  {{#if course.promoNote}}<p class="course__note">{{course.promoNote}}</p>{{/if}}
</section>
