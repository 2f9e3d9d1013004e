<p style="margin:0 0 16px;">Недавно мы отправили вам ссылку для оформления договора на курс «{{courseTitle}}», но данные для договора пока не заполнены.</p>
<p style="margin:0 0 16px;"><a href="{{link}}" style="display:inline-block;padding:12px 24px;background:#5b3bf5;color:#ffffff;text-decoration:none;border-radius:6px;">Продолжить оформление</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">Если кнопка не открывается, скопируйте ссылку в адресную строку браузера:<br /><a href="{{link}}" style="color:#5b3bf5;">{{link}}</a></p>
<p style="margin:0;">Ссылка действует до {{linkExpiresAt}}. После этого заявку придётся оставить заново.</p>
