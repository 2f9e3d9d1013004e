import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** What we use of a parsed fontkit font (pdfkit ≥ 0.20 takes one in registerFont). */
export interface FontkitFont {
  postscriptName: string;
  unitsPerEm: number;
  characterSet: number[];
  layout(text: string, features?: unknown): GlyphRun;
  glyphForCodePoint(codePoint: number): unknown;
  hasGlyphForCodePoint(codePoint: number): boolean;
}

interface GlyphPosition {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
}

interface GlyphRun {
  glyphs: { path: { toSVG(): string } }[];
  positions: GlyphPosition[];
  readonly advanceWidth: number;
}

export type FontName = 'regular' | 'bold' | 'mono';

/** DejaVu (Bitstream Vera licence): Cyrillic, «», №, ₽ and the non-breaking space. */
const FILES: Record<FontName, string> = {
  regular: 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  bold: 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
  mono: 'dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf',
};

/** Characters the contract prints that a substitute font might lack; checked once at load. */
const REQUIRED = 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя«»—№₽\u00a0';

let loaded: Record<FontName, FontkitFont> | undefined;

/**
 * The fonts, read and parsed once per process. pdfkit re-parses a font given as a Buffer for
 * every document (its glyph, kerning and cmap tables included), which made a draft 4× slower;
 * a parsed fontkit font is reused with its caches.
 *
 * fontkit is taken from where pdfkit itself resolves it, so it is always the copy pdfkit was
 * installed with, not a second one.
 */
export function contractFonts(): Record<FontName, FontkitFont> {
  if (loaded) return loaded;
  const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as { create(data: Buffer): FontkitFont };
  const fonts = {} as Record<FontName, FontkitFont>;
  for (const [name, file] of Object.entries(FILES) as [FontName, string][]) {
    const font = fontkit.create(readFileSync(require.resolve(file)));
    if (typeof font.layout !== 'function') throw new Error(`${file} is not a single TrueType font`);
    const missing = [...REQUIRED].filter((c) => !font.hasGlyphForCodePoint(c.codePointAt(0)!));
    if (missing.length) throw new Error(`${file} lacks glyphs for ${missing.join(' ')}`);
    // fontkit caches a glyph with the characters of whoever asked for it first, and pdfkit's
    // ToUnicode map (what text extraction reads) comes from them. The subsetter asks without
    // characters for composite parts (DejaVu builds Cyrillic "Т" from Latin "T"), which left
    // later documents with unsearchable letters, and made the bytes depend on what the process
    // had printed before. Asking for every mapped character first fixes the cache for good.
    for (const codePoint of font.characterSet) font.glyphForCodePoint(codePoint);
    fonts[name] = memoizeLayout(font);
  }
  loaded = fonts;
  return loaded;
}

/** Words kept shaped per font: the template's own words, plus recent names and addresses. */
const LAYOUT_CACHE_SIZE = 20_000;

/**
 * Shaping (OpenType substitution and kerning) was most of a draft's time, and a contract is
 * mostly the same words every time. pdfkit shapes word by word but caches per document only;
 * this cache lives as long as the font. Shaping is a pure function of font, text and features,
 * so a cached result is the result. pdfkit scales the positions it gets in place, so every
 * caller receives its own copy.
 */
function memoizeLayout(font: FontkitFont): FontkitFont {
  const shape = font.layout.bind(font);
  const cache = new Map<string, GlyphRun>();
  font.layout = (text: string, features?: unknown, ...rest: unknown[]) => {
    if (rest.length) return (shape as (...args: unknown[]) => GlyphRun)(text, features, ...rest);
    const key = features === undefined ? text : `${text}\u0000${JSON.stringify(features)}`;
    let run = cache.get(key);
    if (!run) {
      run = shape(text, features);
      if (cache.size >= LAYOUT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(key, run);
    }
    return copy(run);
  };
  return font;
}

function copy(run: GlyphRun): GlyphRun {
  const positions = run.positions.map(({ xAdvance, yAdvance, xOffset, yOffset }) => ({
    xAdvance,
    yAdvance,
    xOffset,
    yOffset,
  }));
  return {
    glyphs: run.glyphs.slice(),
    positions,
    // pdfkit reads the run's width after scaling its positions, as fontkit's GlyphRun computes it.
    get advanceWidth() {
      return positions.reduce((sum, p) => sum + p.xAdvance, 0);
    },
  };
}
