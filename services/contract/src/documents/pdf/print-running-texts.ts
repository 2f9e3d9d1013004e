import type { ContractPrint } from './contract-print';
import { COLORS } from './pdf-page-writer';

/** Header and footer of every page; in the draft also the «Проект договора» marks. */
export function printRunningTexts(print: ContractPrint): void {
  const { out } = print;
  const draft = print.job.variant.kind === 'draft';
  const marks = print.wording.draftMarks;
  // Taken before eachPage() opens the margins.
  const { left, width } = out;
  out.eachPage((index, count) => {
    const { doc } = out;
    if (draft) {
      doc.save().fillColor(COLORS.draft).fillOpacity(0.07);
      out.outlineText(print.say(marks.watermark), 'bold', 110, doc.page.width / 2, doc.page.height / 2, -40);
      doc.restore();
      out.style('bold', 8.5, COLORS.draft);
      doc.text(print.say(marks.banner), left, 30, { width, align: 'center', lineBreak: false });
    }
    out.rule(doc.page.height - 46, left, width);
    out.style('regular', 7.5, COLORS.muted);
    doc.text(print.heading, left, doc.page.height - 40, { width: width * 0.7, lineBreak: false });
    const page = print.say(print.wording.pageNumber, { page: String(index + 1), pageCount: String(count) });
    doc.text(page, left + width * 0.7, doc.page.height - 40, { width: width * 0.3, align: 'right', lineBreak: false });
  });
}
