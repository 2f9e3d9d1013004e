Заявка на курс{{#if courseTitle}} «{{courseTitle}}»{{/if}} не принята
