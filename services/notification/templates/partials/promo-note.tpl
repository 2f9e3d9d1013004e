{{!-- Shared by html.tpl and text.tpl. The empty last line is deliberate: it ends the passage in plain-text mails. --}}
{{#if (eq promoStatus "APPLIED")~}}
Промокод применён: скидка {{discount}}.
{{~else if (eq promoStatus "PROMO_INVALID")~}}
Указанный промокод не найден, поэтому договор составлен по полной стоимости.
{{~else if (eq promoStatus "PROMO_EXPIRED")~}}
Срок действия указанного промокода истёк, поэтому договор составлен по полной стоимости.
{{~else if (eq promoStatus "PROMO_EXHAUSTED")~}}
Указанный промокод больше недоступен: все его использования исчерпаны. Договор составлен по полной стоимости.
{{~else if (eq promoStatus "PROMO_NOT_APPLICABLE")~}}
Указанный промокод не даёт скидки на этот курс, поэтому договор составлен по полной стоимости.
{{~else~}}
Указанный промокод не применён, поэтому договор составлен по полной стоимости.
{{~/if}}

