{{staffEventLabel}} — курс «{{courseTitle}}» ({{courseCode}}), {{occurredAt}}.
{{#if staffReason}}
Причина: {{staffReason}}.
{{/if}}

Заявка: {{applicationId}}{{#if crmApplicationId}} (в CRM: {{crmApplicationId}}){{/if}}.
Данные клиента в письмо не включены: откройте заявку в разделе заявок школы.
