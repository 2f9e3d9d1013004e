<p style="margin:0 0 16px;">События по заявкам на курс «{{courseTitle}}» ({{courseCode}}) с прошлой сводки:</p>
<ul style="margin:0 0 16px;padding-left:20px;">
{{#each digestItems}}
  <li style="margin:0 0 8px;"><strong>{{label}}</strong>, {{at}}{{#if reason}}. Причина: {{reason}}{{/if}}<br>Заявка: <code>{{applicationId}}</code>{{#if crmApplicationId}} (в CRM: <code>{{crmApplicationId}}</code>){{/if}}</li>
{{/each}}
</ul>
<p style="margin:0;">Данные клиентов в письмо не включены: откройте заявку в разделе заявок школы.</p>
