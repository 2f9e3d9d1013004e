{{#if (eq deadlineKind "signing")}}Срок подписания договора{{else}}Срок оформления договора{{/if}} на курс «{{courseTitle}}» продлён
