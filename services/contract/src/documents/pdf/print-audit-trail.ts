import { shortDateTime } from '@otus/common';
import type { FontName } from './contract-fonts';
import { auditEventText, clean } from './contract-format';
import type { SignedTrailEvent } from './contract-input';
import type { ContractPrint } from './contract-print';

type Column = { x: number; width: number };
type Cell = Column & { text: string; font: FontName; size: number };

/** The audit trail up to the signature, one row per event, closed by the last event's hash. */
export function printAuditTrail(print: ContractPrint, events: SignedTrailEvent[], chainHead: string): void {
  const { out } = print;
  const words = print.wording.auditTrail;
  const [no, when, what]: Column[] = [
    { x: out.left, width: 30 },
    { x: out.left + 30, width: 120 },
    { x: out.left + 150, width: out.width - 150 },
  ];
  const cells = (font: FontName, size: number, ...texts: [Column, string][]): Cell[] =>
    texts.map(([column, text]) => ({ ...column, text, font, size }));
  const header = cells(
    'bold',
    8.5,
    [no, print.say(words.columns.number)],
    [when, print.say(words.columns.time)],
    [what, print.say(words.columns.event)],
  );
  const padding = 2.5;
  const measure = (row: Cell[]) =>
    Math.max(
      ...row.map((c) => out.style(c.font, c.size).doc.heightOfString(c.text, { width: c.width - 6, lineGap: 1 })),
    ) +
    2 * padding;
  let y = 0;
  const draw = (row: Cell[]) => {
    for (const c of row)
      out.style(c.font, c.size).doc.text(c.text, c.x + 3, y + padding, { width: c.width - 6, lineGap: 1 });
    y += measure(row);
    out.rule(y);
  };
  const start = () => {
    y = out.doc.y;
    out.rule(y);
    draw(header);
  };

  const headerHeight = measure(header);
  out.doc.moveDown(1);
  out.style('bold', 10.5);
  // The title, the note and the first rows of the table stay together.
  out.ensureSpace(out.doc.currentLineHeight(true) * 5 + headerHeight * 3);
  out.paragraph(print.say(words.title), { align: 'left' });
  out.doc.moveDown(0.2);
  out.style('regular', 9).paragraph(print.say(words.note));
  out.doc.moveDown(0.4);
  start();
  const rows = [...events]
    .sort((a, b) => a.seq - b.seq)
    .map((e) =>
      cells(
        'regular',
        8.5,
        [no, String(e.seq)],
        [when, shortDateTime(e.at, print.job.timeZone)],
        [what, clean(auditEventText(e))],
      ),
    );
  rows.push([
    { text: print.say(words.chainHead), x: no.x, width: no.width + when.width, font: 'bold', size: 8.5 },
    { text: chainHead.toLowerCase(), x: what.x, width: what.width, font: 'mono', size: 8 },
  ]);
  rows.forEach((row, i) => {
    // The hash row never stands alone on a page: the last event goes over with it.
    const keep = i === rows.length - 2 ? measure(rows[i + 1]) : 0;
    if (y + measure(row) + keep > out.bottom) {
      // A row is never split; the column titles come again on the next page.
      out.doc.addPage();
      start();
    }
    draw(row);
  });
  out.doc.x = out.left;
  out.doc.y = y + 8;
  out.style('regular', 10);
}
