Сводка за {{digestDate}}: курс «{{courseTitle}}»
