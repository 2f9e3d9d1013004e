{{#if linkReissued}}
<p style="margin:0 0 16px;">Мы отправляем вам новую ссылку для оформления договора на курс «{{courseTitle}}». Предыдущая ссылка больше не действует. Старт занятий — {{courseStartDate}}, стоимость обучения — {{price}}.</p>
<p style="margin:0 0 16px;">Откройте ссылку, чтобы продолжить оформление договора:</p>
{{else}}
<p style="margin:0 0 16px;">Вы оставили заявку на курс «{{courseTitle}}». Старт занятий — {{courseStartDate}}, стоимость обучения — {{price}}.</p>
<p style="margin:0 0 16px;">Чтобы заключить договор, перейдите по ссылке, заполните данные и подпишите договор онлайн:</p>
{{/if}}
<p style="margin:0 0 16px;"><a href="{{link}}" style="display:inline-block;padding:12px 24px;background:#5b3bf5;color:#ffffff;text-decoration:none;border-radius:6px;">{{#if linkReissued}}Продолжить оформление{{else}}Перейти к оформлению{{/if}}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">Если кнопка не открывается, скопируйте ссылку в адресную строку браузера:<br /><a href="{{link}}" style="color:#5b3bf5;">{{link}}</a></p>
<p style="margin:0;">Ссылка действует до {{linkExpiresAt}}. Она предназначена только для вас — не пересылайте её.</p>
