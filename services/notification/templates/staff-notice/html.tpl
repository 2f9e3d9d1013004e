<p style="margin:0 0 16px;"><strong>{{staffEventLabel}}</strong> — курс «{{courseTitle}}» ({{courseCode}}), {{occurredAt}}.</p>
{{#if staffReason}}<p style="margin:0 0 16px;">Причина: {{staffReason}}.</p>{{/if}}
<p style="margin:0 0 16px;">Заявка: <code>{{applicationId}}</code>{{#if crmApplicationId}} (в CRM: <code>{{crmApplicationId}}</code>){{/if}}.</p>
<p style="margin:0;">Данные клиента в письмо не включены: откройте заявку в разделе заявок школы.</p>
