{{#if (eq deadlineKind "signing")}}
<p style="margin:0 0 16px;">{{#if (eq deadlineChange "shortened")}}Даты курса «{{courseTitle}}» изменились, поэтому срок подписания договора перенесён на более раннюю дату. Подписать договор можно до {{newDeadline}}. После этого заявка будет закрыта.{{else}}Мы продлили срок подписания договора на курс «{{courseTitle}}». Подписать договор можно до {{newDeadline}}.{{/if}}</p>
<p style="margin:0 0 16px;">Откройте договор на странице оформления и подпишите его: код для подписи придёт отдельным письмом.</p>
{{#if link}}<p style="margin:0;"><a href="{{link}}" style="display:inline-block;padding:12px 24px;background:#5b3bf5;color:#ffffff;text-decoration:none;border-radius:6px;">Открыть договор</a></p>{{/if}}
{{else}}
<p style="margin:0 0 16px;">{{#if (eq deadlineChange "shortened")}}Даты курса «{{courseTitle}}» изменились, поэтому срок оформления договора перенесён на более раннюю дату. Ссылка для оформления теперь действует до {{newDeadline}}. После этого заявка будет закрыта.{{else}}Мы продлили срок оформления договора на курс «{{courseTitle}}». Ссылка для оформления теперь действует до {{newDeadline}}.{{/if}}</p>
<p style="margin:0 0 16px;">Перейдите по ссылке, заполните данные и подпишите договор онлайн.</p>
{{#if link}}<p style="margin:0;"><a href="{{link}}" style="display:inline-block;padding:12px 24px;background:#5b3bf5;color:#ffffff;text-decoration:none;border-radius:6px;">Продолжить оформление</a></p>{{/if}}
{{/if}}
