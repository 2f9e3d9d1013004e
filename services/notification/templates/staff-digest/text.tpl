События по заявкам на курс «{{courseTitle}}» ({{courseCode}}) с прошлой сводки:
{{#each digestItems}}

— {{label}}, {{at}}{{#if reason}}. Причина: {{reason}}{{/if}}
  Заявка: {{applicationId}}{{#if crmApplicationId}} (в CRM: {{crmApplicationId}}){{/if}}
{{/each}}

Данные клиентов в письмо не включены: откройте заявку в разделе заявок школы.
