{{!-- Shared by html.tpl and text.tpl. The empty last line is deliberate: it ends the passage in plain-text mails. --}}
{{#if (eq rejectReason "COURSE_NOT_FOUND")~}}
Курс, указанный в заявке, не найден в нашем каталоге: возможно, он снят с программы или в заявке ошибка. Проверьте название курса на сайте и оставьте заявку ещё раз.
{{~else if (eq rejectReason "ENROLMENT_CLOSED")~}}
Набор на курс «{{courseTitle}}» закрыт: приём заявок на этот поток завершён. О новом наборе мы объявим на сайте.
{{~else if (eq rejectReason "COURSE_STARTED")~}}
Курс «{{courseTitle}}» уже начался, присоединиться к текущему потоку нельзя. Оставьте заявку на следующий поток, когда он появится на сайте.
{{~else if (eq rejectReason "NO_FREE_SEATS")~}}
На курсе «{{courseTitle}}» не осталось свободных мест. Оставьте заявку на следующий поток или выберите другой курс.
{{~else~}}
Мы не можем принять заявку{{#if courseTitle}} на курс «{{courseTitle}}»{{/if}}. Если у вас остались вопросы, свяжитесь с нами через сайт.
{{~/if}}

