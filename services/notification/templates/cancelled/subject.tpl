Заявка на курс{{#if courseTitle}} «{{courseTitle}}»{{/if}} отменена
