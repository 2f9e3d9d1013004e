<p style="margin:0 0 16px;">Ваш код для подписания договора на курс «{{courseTitle}}»:</p>
<p style="margin:0 0 16px;font-size:28px;font-weight:bold;letter-spacing:6px;">{{signingCode}}</p>
<p style="margin:0 0 16px;">Код действует до {{codeExpiresAt}}. Введите его на странице договора.</p>
<p style="margin:0;">Никому не сообщайте этот код: сотрудники OTUS никогда его не спрашивают. Если вы не подписываете договор, просто не обращайте внимания на это письмо.</p>
