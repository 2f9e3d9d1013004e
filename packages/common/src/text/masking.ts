/**
 * What may be shown of a person to someone who is not yet known to be them (the link page, the
 * signing sheet, the public check): enough to recognise oneself, too little to learn anything.
 */

/** `ivan@example.org` → `i***@example.org`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return `${email.slice(0, 1)}***`;
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/**
 * `Петров Иван Сергеевич` → `П***** И. С.`: the first word (the surname in a Russian full name)
 * as its first letter and one star per further letter, every other word as an initial.
 */
export function maskName(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return '***';
  const [first, ...rest] = words.map((w) => Array.from(w));
  return [`${first[0]}${'*'.repeat(Math.max(first.length - 1, 1))}`, ...rest.map((w) => `${w[0]}.`)].join(' ');
}
