<p style="margin:0 0 16px;">Договор на обучение по курсу «{{courseTitle}}» по-прежнему ждёт вашей подписи. Подписать его можно до {{signDeadline}}.</p>
<p style="margin:0 0 16px;">После этого заявка будет закрыта, а забронированное для вас место на курсе — освобождено.</p>
<p style="margin:0 0 16px;">Откройте договор на странице оформления и подпишите его: код для подписи придёт отдельным письмом.</p>
{{#if link}}<p style="margin:0;"><a href="{{link}}" style="display:inline-block;padding:12px 24px;background:#5b3bf5;color:#ffffff;text-decoration:none;border-radius:6px;">Открыть договор</a></p>{{/if}}
