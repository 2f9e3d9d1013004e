import PDFDocument from 'pdfkit';
import { contractFonts, type FontName } from './contract-fonts';

/** A4 in points, with 2 cm on the left for binding and room for the running header and footer. */
const MARGINS = { top: 62, bottom: 62, left: 57, right: 45 };

export const COLORS = { text: '#111111', muted: '#555555', rule: '#9a9a9a', draft: '#b3261e' } as const;

export interface DocumentMeta {
  title: string;
  author: string;
  creationDate: Date;
  modDate: Date;
}

export interface Line {
  text: string;
  font?: FontName;
  size?: number;
  color?: string;
  gapAfter?: number;
}

/**
 * A thin layer over pdfkit for flowing text: fonts from the process-wide cache, page breaks
 * that keep a heading with its first lines, and a pass over all pages at the end for running
 * headers and footers. Nothing in it reads the clock or random numbers: the same calls give
 * the same bytes.
 */
export class PdfPageWriter {
  readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly finished: Promise<Buffer>;

  constructor(meta: DocumentMeta) {
    this.doc = new PDFDocument({
      size: 'A4',
      margins: MARGINS,
      // No default Helvetica: every font in the file is an embedded DejaVu subset.
      font: null as unknown as string,
      autoFirstPage: false,
      bufferPages: true,
      lang: 'ru-RU',
      displayTitle: true,
      // The file ID is an MD5 of this dictionary, so it is as deterministic as the dates are.
      info: {
        Title: meta.title,
        Author: meta.author,
        Creator: 'OTUS Contract',
        Producer: 'OTUS Contract (PDFKit)',
        CreationDate: meta.creationDate,
        ModDate: meta.modDate,
      },
    });
    this.finished = new Promise((resolve, reject) => {
      this.doc.on('data', (chunk: Buffer) => this.chunks.push(chunk));
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
    const fonts = contractFonts();
    for (const name of Object.keys(fonts) as FontName[]) {
      // pdfkit ≥ 0.20 accepts a parsed fontkit font; its typings only know paths and buffers.
      this.doc.registerFont(name, fonts[name] as unknown as PDFKit.Mixins.PDFFontSource);
    }
    this.doc.addPage();
    this.doc.font('regular').fontSize(10).fillColor(COLORS.text);
  }

  get left(): number {
    return this.doc.page.margins.left;
  }

  get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  style(font: FontName, size: number, color: string = COLORS.text): this {
    this.doc.font(font).fontSize(size).fillColor(color);
    return this;
  }

  /** Starts a new page unless `height` more points fit on this one. */
  ensureSpace(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  /**
   * Ragged right, not justified: justified lines are set word by word (slower), and a long
   * e-mail or address stretches the line before it into gaps that break text extraction.
   */
  paragraph(text: string, options: PDFKit.Mixins.TextOptions = {}): void {
    this.doc.text(text, this.left, this.doc.y, { width: this.width, lineGap: 1.5, ...options });
  }

  /** A numbered clause with a hanging number; never leaves its number alone at a page bottom. */
  numbered(number: string, text: string, indent = 30): void {
    this.ensureSpace((this.doc.currentLineHeight(true) + 1.5) * 2);
    const y = this.doc.y;
    this.doc.text(number, this.left, y, { width: indent, lineBreak: false });
    this.doc.text(text, this.left + indent, y, { width: this.width - indent, lineGap: 1.5 });
    this.doc.moveDown(0.25);
  }

  /** Height of lines stacked in a column of the given width. */
  linesHeight(lines: Line[], width: number): number {
    return lines.reduce((sum, line) => {
      this.style(line.font ?? 'regular', line.size ?? 9);
      return sum + this.doc.heightOfString(line.text, { width, lineGap: 1 }) + (line.gapAfter ?? 1);
    }, 0);
  }

  /** Lines in a column at (x, y); returns where the column ends. Callers make room first. */
  column(lines: Line[], x: number, y: number, width: number): number {
    let at = y;
    for (const line of lines) {
      this.style(line.font ?? 'regular', line.size ?? 9, line.color);
      this.doc.text(line.text, x, at, { width, lineGap: 1 });
      at = this.doc.y + (line.gapAfter ?? 1);
    }
    this.style('regular', 10);
    return at;
  }

  /**
   * Text drawn as filled glyph outlines, centred on (cx, cy) and turned by `angle` degrees: it
   * shows like text but is not in the text layer, so it neither breaks copying nor searching.
   */
  outlineText(text: string, font: FontName, size: number, cx: number, cy: number, angle: number): void {
    const face = contractFonts()[font];
    const run = face.layout(text);
    const scale = size / face.unitsPerEm;
    const runWidth = run.positions.reduce((sum, p) => sum + p.xAdvance, 0);
    const { doc } = this;
    doc.save();
    // Glyph outlines are y-up in font units; the page is y-down in points.
    doc
      .translate(cx, cy)
      .rotate(angle)
      .scale(scale, -scale)
      .translate(-runWidth / 2, -0.35 * face.unitsPerEm);
    let x = 0;
    run.glyphs.forEach((glyph, i) => {
      const position = run.positions[i];
      doc.save();
      doc.translate(x + position.xOffset, position.yOffset);
      doc.path(glyph.path.toSVG()).fill();
      doc.restore();
      x += position.xAdvance;
    });
    doc.restore();
  }

  rule(y: number, x = this.left, width = this.width): void {
    this.doc
      .moveTo(x, y)
      .lineTo(x + width, y)
      .lineWidth(0.5)
      .strokeColor(COLORS.rule)
      .stroke();
  }

  /**
   * Runs `draw` on every page with the margins opened, so that text in the header and footer
   * zones does not start a new page. `count` is the number of pages.
   */
  eachPage(draw: (index: number, count: number) => void): void {
    const { start, count } = this.doc.bufferedPageRange();
    for (let i = start; i < start + count; i++) {
      this.doc.switchToPage(i);
      const margins = { ...this.doc.page.margins };
      this.doc.page.margins = { top: 0, bottom: 0, left: 0, right: 0 };
      draw(i - start, count);
      this.doc.page.margins = margins;
    }
  }

  /** Ends the document and resolves with its bytes. */
  finish(): Promise<Buffer> {
    this.doc.flushPages();
    this.doc.end();
    return this.finished;
  }
}
