{{!-- Shared by html.tpl and text.tpl. The empty last line is deliberate: it ends the passage in plain-text mails. --}}
{{#if (eq unavailableReason "COURSE_CLOSED")~}}
Курс «{{courseTitle}}» закрыт: школа больше не проводит набор на него.
{{~else if (eq unavailableReason "ENROLMENT_CLOSED")~}}
Набор на курс «{{courseTitle}}» закрыт: приём заявок на этот поток завершился, пока вы оформляли договор.
{{~else if (eq unavailableReason "COURSE_STARTED")~}}
Курс «{{courseTitle}}» уже начался, присоединиться к текущему потоку нельзя.
{{~else~}}
Курс «{{courseTitle}}» больше не принимает новых студентов.
{{~/if}}

