{{staffEventLabel}}: курс «{{courseTitle}}»
