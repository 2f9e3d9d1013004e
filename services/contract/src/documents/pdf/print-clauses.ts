import { longDate } from '@otus/common';
import type { ContractPrint } from './contract-print';
import type { ContractTemplate } from './contract-template';
import { COLORS } from './pdf-page-writer';

/** The title block: number, the template's title, city and date, the full application id. */
export function printTitle(print: ContractPrint): void {
  const { out, template, wording } = print;
  out.style('bold', 13).paragraph(print.say(wording.number), { align: 'center' });
  out.style('bold', 11).paragraph(template.title.toLowerCase(), { align: 'center' });
  out.doc.moveDown(0.8);
  const y = out.doc.y;
  out.style('regular', 10);
  out.doc.text(template.city, out.left, y, { width: out.width / 2, lineBreak: false });
  out.doc.text(longDate(print.job.contractDate), out.left + out.width / 2, y, { width: out.width / 2, align: 'right' });
  out.style('regular', 7.5, COLORS.muted);
  out.doc.text(print.say(wording.applicationRef), out.left, out.doc.y + 1, { width: out.width, align: 'right' });
  out.doc.moveDown(1);
}

/** The preamble and the numbered sections of numbered clauses, those that apply. */
export function printClauses(print: ContractPrint): void {
  const { out, template } = print;
  out.style('regular', 10).paragraph(print.say(template.preamble));
  out.doc.moveDown(0.6);
  template.sections.forEach((section, i) => printSection(print, i + 1, section));
}

function printSection(print: ContractPrint, index: number, section: ContractTemplate['sections'][number]): void {
  const { out } = print;
  out.doc.moveDown(0.4);
  out.style('bold', 10.5);
  // A heading needs its own line and at least two lines of its first clause below it.
  out.ensureSpace(out.doc.currentLineHeight(true) * 4);
  out.paragraph(`${index}. ${print.say(section.title)}`, { align: 'left' });
  out.doc.moveDown(0.3);
  out.style('regular', 10);
  let n = 0;
  for (const clause of section.clauses) {
    if (typeof clause !== 'string' && !print.conditions.has(clause.when)) continue;
    const text = typeof clause === 'string' ? clause : clause.text;
    out.numbered(`${index}.${++n}.`, print.say(text));
  }
  if (section.priceSummary) printPriceTable(print);
}

/** The amounts once more as a small table, right-aligned so that the digits line up. */
function printPriceTable(print: ContractPrint): void {
  const { out, values } = print;
  const words = print.wording.priceTable;
  const rows: [string, string, boolean][] = [[words.price, values.price, false]];
  if (print.job.terms.discountKopecks > 0) {
    const label = values.promoCode ? print.say(words.discountWithPromo) : words.discount;
    rows.push([label, `− ${values.discount}`, false]);
  }
  rows.push([words.total, values.finalPrice, true]);
  const x = out.left + 30;
  const width = out.width - 30;
  const rowHeight = 15;
  out.ensureSpace(rows.length * rowHeight + 8);
  let y = out.doc.y + 2;
  out.rule(y, x, width);
  for (const [label, amount, total] of rows) {
    out.style(total ? 'bold' : 'regular', 10);
    out.doc.text(label, x + 4, y + 3, { width: width * 0.6, lineBreak: false });
    out.doc.text(amount, x + width * 0.6, y + 3, { width: width * 0.4 - 4, align: 'right', lineBreak: false });
    y += rowHeight;
    out.rule(y, x, width);
  }
  out.doc.x = out.left;
  out.doc.y = y + 6;
  out.style('regular', 10);
}
