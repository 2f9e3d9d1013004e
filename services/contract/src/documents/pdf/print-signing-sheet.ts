import { maskEmail } from '@otus/common';
import { clean } from './contract-format';
import type { SignatureCertificate } from './contract-input';
import type { ContractPrint } from './contract-print';
import { printAuditTrail } from './print-audit-trail';
import { signedAtText } from './print-signatures';

/** Long user agents are cut here: the certificate is a record, not a place for a 4 KB header. */
const USER_AGENT_MAX = 300;

/** The signing sheet («Лист подписания») on a page of its own, closing the signed copy. */
export function printSigningSheet(print: ContractPrint, certificate: SignatureCertificate): void {
  const { out, template } = print;
  const words = print.wording.signingSheet;
  const title = template.title.toLowerCase();
  out.doc.addPage();
  out.style('bold', 14).paragraph(print.say(words.title), { align: 'center' });
  out.style('regular', 10).paragraph(print.say(words.subtitle), { align: 'center' });
  out.paragraph(title, { align: 'center' });
  out.doc.moveDown(1.2);
  out.style('regular', 9.5).paragraph(print.say(words.intro));
  out.doc.moveDown(0.8);
  const userAgent = clean(certificate.userAgent);
  const rows: [string, string, 'regular' | 'mono'][] = [
    [words.rows.document, `${print.heading} (${title})`, 'regular'],
    [words.rows.template, print.say(words.rows.templateValue), 'regular'],
    [words.rows.application, print.job.parties.applicationId, 'mono'],
    [words.rows.signer, clean(certificate.signerName), 'regular'],
    [words.rows.signedAt, signedAtText(print, certificate.signedAt), 'regular'],
    [
      words.rows.method,
      print.say(words.rows.methodValue, { codeSentTo: maskEmail(clean(certificate.codeSentTo)) }),
      'regular',
    ],
    [words.rows.ip, clean(certificate.ip), 'mono'],
    [
      words.rows.userAgent,
      userAgent.length > USER_AGENT_MAX ? `${userAgent.slice(0, USER_AGENT_MAX)}…` : userAgent || '—',
      'mono',
    ],
    [words.rows.draftId, clean(certificate.documentId), 'mono'],
    [words.rows.draftSha256, certificate.draftSha256.toLowerCase(), 'mono'],
  ];
  const labelWidth = 140;
  const valueX = out.left + labelWidth;
  const valueWidth = out.width - labelWidth;
  let y = out.doc.y;
  out.rule(y);
  for (const [label, value, font] of rows) {
    const size = font === 'mono' ? 8 : 9.5;
    out.style(font, size);
    const valueHeight = out.doc.heightOfString(value, { width: valueWidth - 6, lineGap: 1 });
    out.style('bold', 9);
    const height = Math.max(valueHeight, out.doc.heightOfString(label, { width: labelWidth - 8 }), 12);
    out.doc.text(label, out.left + 2, y + 5, { width: labelWidth - 8 });
    out.style(font, size).doc.text(value, valueX, y + 5, { width: valueWidth - 6, lineGap: 1 });
    y += height + 10;
    out.rule(y);
  }
  out.doc.x = out.left;
  out.doc.y = y + 14;
  out.style('regular', 9);
  words.notes.forEach((note, i) => {
    if (i > 0) out.doc.moveDown(0.5);
    out.paragraph(print.say(note));
  });
  if (certificate.events?.length && certificate.chainHead) {
    printAuditTrail(print, certificate.events, certificate.chainHead);
  }
}
