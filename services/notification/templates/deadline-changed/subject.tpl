{{#if (eq deadlineKind "signing")}}Срок подписания договора{{else}}Срок оформления договора{{/if}} на курс «{{courseTitle}}» {{#if (eq deadlineChange "shortened")}}сокращён{{else}}продлён{{/if}}
