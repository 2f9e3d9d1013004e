import { zonedTime, shortDate } from '@otus/common';
import { clean, initialsName } from './contract-format';
import type { ContractPrint } from './contract-print';
import { COLORS, type Line } from './pdf-page-writer';

/** Height of each signature box, the same in the draft and the signed copy. */
const SIGNATURE_HEIGHT = 78;
const SIGNED_COLOR = '#1f5fa8';

/** «23.11.2026 15:41:03 (московское время, UTC+03:00)»: the signing time, its zone named. */
export function signedAtText(print: ContractPrint, signedAt: Date): string {
  const { date, time, offset } = zonedTime(signedAt, print.job.timeZone);
  return print.say(print.wording.signedAt, { date: shortDate(date), time, offset });
}

/** The last section: both parties' requisites side by side, then the signature blocks, on one page. */
export function printRequisites(print: ContractPrint, index: number): void {
  const { out, wording } = print;
  const block = ({ title, lines }: { title: string; lines: string[] }): Line[] => [
    { text: title, font: 'bold', size: 10, gapAfter: 3 },
    ...lines.map((line) => ({ text: print.say(line) })),
  ];
  const left = block(wording.requisites.school);
  const right = block(wording.requisites.client);
  const gap = 24;
  const columnWidth = (out.width - gap) / 2;
  out.doc.moveDown(0.4);
  out.style('bold', 10.5);
  const titleHeight = out.doc.currentLineHeight(true) * 1.6;
  const height = Math.max(out.linesHeight(left, columnWidth), out.linesHeight(right, columnWidth));
  // Requisites and signatures stay together on one page, as a signature page should.
  out.ensureSpace(titleHeight + height + SIGNATURE_HEIGHT + 12);
  out.style('bold', 10.5).paragraph(`${index}. ${print.say(print.template.requisitesTitle)}`, { align: 'left' });
  out.doc.moveDown(0.4);
  const top = out.doc.y;
  const end = Math.max(
    out.column(left, out.left, top, columnWidth),
    out.column(right, out.left + columnWidth + gap, top, columnWidth),
  );
  const y = end + 12;
  printSchoolSignature(print, out.left, y, columnWidth);
  printClientSignature(print, out.left + columnWidth + gap, y, columnWidth);
  out.doc.x = out.left;
  out.doc.y = y + SIGNATURE_HEIGHT;
}

function printSchoolSignature(print: ContractPrint, x: number, y: number, width: number): void {
  const { signatory } = print.template.school;
  print.out.column(
    [{ text: print.wording.signatures.school, font: 'bold', size: 9, gapAfter: 2 }, { text: signatory.position }],
    x,
    y,
    width,
  );
  signatureLine(print, signatory.shortName, x, y, width);
}

/** The same box in both versions, so the signed pages break exactly where the draft's did. */
function printClientSignature(print: ContractPrint, x: number, y: number, width: number): void {
  const { out, job } = print;
  const words = print.wording.signatures;
  const title: Line = { text: words.client, font: 'bold', size: 9, gapAfter: 2 };
  if (job.variant.kind === 'draft') {
    out.column([title, { text: words.toBeSigned, color: COLORS.muted, size: 8 }], x, y, width);
    signatureLine(print, initialsName(clean(job.parties.fullName)), x, y, width);
    return;
  }
  const { certificate } = job.variant;
  out.doc
    .rect(x, y - 4, width, SIGNATURE_HEIGHT - 8)
    .lineWidth(0.8)
    .strokeColor(SIGNED_COLOR)
    .stroke();
  out.column(
    [
      title,
      { text: words.signed, font: 'bold', size: 8.5, color: SIGNED_COLOR, gapAfter: 2 },
      { text: clean(certificate.signerName), size: 8.5 },
      { text: signedAtText(print, certificate.signedAt), size: 8 },
      { text: words.seeSigningSheet, size: 8, color: COLORS.muted },
    ],
    x + 6,
    y,
    width - 12,
  );
}

/** "____ / И. О. Фамилия /" at the same height in both columns. */
function signatureLine(print: ContractPrint, name: string, x: number, y: number, width: number): void {
  print.out.column([{ text: `____________________ / ${name} /` }], x, y + 48, width);
}
