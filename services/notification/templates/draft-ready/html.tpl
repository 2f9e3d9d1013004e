<p style="margin:0 0 16px;">Договор на обучение по курсу «{{courseTitle}}» подготовлен и ждёт вашей подписи.</p>
<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 16px;font-size:15px;">
  <tr><td style="padding:4px 16px 4px 0;color:#6b7280;">Старт занятий</td><td style="padding:4px 0;">{{courseStartDate}}</td></tr>
  <tr><td style="padding:4px 16px 4px 0;color:#6b7280;">Стоимость курса</td><td style="padding:4px 0;">{{price}}</td></tr>
  {{#if discount}}<tr><td style="padding:4px 16px 4px 0;color:#6b7280;">Скидка по промокоду</td><td style="padding:4px 0;">−{{discount}}</td></tr>{{/if}}
  <tr><td style="padding:4px 16px 4px 0;color:#6b7280;">Итого к оплате</td><td style="padding:4px 0;font-weight:bold;">{{finalPrice}}</td></tr>
</table>
{{#unless (eq promoStatus "NONE")}}<p style="margin:0 0 16px;">{{> promo-note}}</p>{{/unless}}
<p style="margin:0 0 16px;">Проверьте договор на странице оформления и подпишите его: код для подписи придёт отдельным письмом.</p>
{{#if signDeadline}}<p style="margin:0 0 16px;">Подписать договор можно до {{signDeadline}}. После этого заявка будет закрыта.</p>{{/if}}
{{#if link}}<p style="margin:0;"><a href="{{link}}" style="display:inline-block;padding:12px 24px;background:#5b3bf5;color:#ffffff;text-decoration:none;border-radius:6px;">Открыть договор</a></p>{{/if}}
