import { X509Certificate } from 'node:crypto';
import { fromBER } from 'asn1js';
import { type Certificate, ContentInfo, SignedData, SignedDataVerifyError, TSTInfo } from 'pkijs';
import { nodeCryptoEngine, toArrayBuffer } from '../documents/seal/tsa-client';

/** What the PDF's last signature says about it. */
export interface SealCheck {
  /** The PDF carries a signature dictionary with a readable CMS signature. */
  sealed: boolean;
  /** The signature matches the bytes it covers: nothing inside /ByteRange changed since signing. */
  intact: boolean;
  /** /ByteRange covers the whole file but /Contents: nothing was appended after the signature. */
  coversWholeDocument: boolean;
  /** Signed with the school's certificate (the one in CONTRACT_SEAL_P12_FILE). */
  signedByUs: boolean;
  /**
   * When it was sealed: the time-stamp's time when a valid token is attached, else the signed
   * signing-time attribute, else the signature dictionary's /M (inside the signed bytes too).
   */
  signingTime?: Date;
  /** The signer certificate's subject: CN and O. */
  signer?: string;
  /** An RFC 3161 time-stamp token over the signature is attached and checks out. */
  timestamped?: boolean;
}

export const UNSEALED: SealCheck = { sealed: false, intact: false, coversWholeDocument: false, signedByUs: false };

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  signingTime: '1.2.840.113549.1.9.5',
  timeStampToken: '1.2.840.113549.1.9.16.2.14',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
};

const BYTE_RANGE = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
/** The placeholder a signer leaves is larger than the CMS: the hex is padded with zeros. */
const HEX_CONTENTS = /^<([0-9A-Fa-f\s]*)>$/;

/**
 * Checks a PAdES seal (a detached CMS, ETSI.CAdES.detached or adbe.pkcs7.detached): the last
 * signature's /ByteRange is hashed and the CMS verified over it with pkijs. The signer's chain is
 * not checked: the question is whether the school's own certificate sealed these bytes, which
 * `signedByUs` answers by comparing with the configured certificate. Anything unreadable is
 * "not sealed", never an error.
 */
export class SealVerifier {
  private readonly ours: X509Certificate | null;
  private readonly engine = nodeCryptoEngine();

  /** @param sealCertificate the school's seal certificate (DER or PEM), or null when none is configured */
  constructor(sealCertificate: Buffer | string | null) {
    this.ours = sealCertificate ? new X509Certificate(sealCertificate) : null;
  }

  async verify(pdf: Buffer): Promise<SealCheck> {
    try {
      return await this.check(pdf);
    } catch {
      // A hostile upload must not turn into a 500: whatever cannot be read is not a seal.
      return { ...UNSEALED };
    }
  }

  private async check(pdf: Buffer): Promise<SealCheck> {
    const signature = lastSignature(pdf);
    if (!signature) return { ...UNSEALED };
    const { range, cms } = signature;

    const asn1 = fromBER(toArrayBuffer(cms));
    if (asn1.offset === -1) return { ...UNSEALED };
    const contentInfo = new ContentInfo({ schema: asn1.result });
    if (contentInfo.contentType !== OID.signedData) return { ...UNSEALED };
    const signedData = new SignedData({ schema: contentInfo.content });
    const signerIndex = signedData.signerInfos.length - 1;
    const signerInfo = signedData.signerInfos[signerIndex];
    if (!signerInfo) return { ...UNSEALED };

    const signed = Buffer.concat([
      pdf.subarray(range[0], range[0] + range[1]),
      pdf.subarray(range[2], range[2] + range[3]),
    ]);
    let verified = false;
    let signerCertificate: Certificate | null = null;
    try {
      const result = await signedData.verify(
        {
          signer: signerIndex,
          data: toArrayBuffer(signed),
          checkChain: false,
          extendedMode: true,
        },
        this.engine,
      );
      verified = result.signatureVerified === true;
      signerCertificate = result.signerCertificate ?? null;
    } catch (e) {
      // A digest that does not match is a broken seal, not a missing one: keep who signed it.
      if (!(e instanceof SignedDataVerifyError)) throw e;
      signerCertificate = e.signerCertificate ?? null;
    }
    // An attached (non-detached) CMS would be verified against its own content, not these bytes.
    const detached = !signedData.encapContentInfo.eContent;

    const certificate = signerCertificate ? x509(signerCertificate) : null;
    const timestamp = await timeStamp(signerInfo, this.engine);
    const signingTime = timestamp ?? signedSigningTime(signerInfo) ?? signature.time;
    const signer = signerCertificate ? subjectName(signerCertificate) : undefined;
    return {
      sealed: true,
      intact: verified && detached,
      coversWholeDocument: range[0] === 0 && range[2] + range[3] === pdf.length,
      signedByUs: Boolean(certificate && this.ours && sameCertificate(certificate, this.ours)),
      ...(signingTime ? { signingTime } : {}),
      ...(signer ? { signer } : {}),
      timestamped: timestamp !== undefined,
    };
  }
}

interface FoundSignature {
  range: [number, number, number, number];
  /** The signature dictionary's /M, a PDF date. */
  time?: Date;
  /** The CMS bytes, still followed by the placeholder's zero padding (BER parsing stops at the end). */
  cms: Buffer;
}

/**
 * The last /ByteRange whose gap is exactly the `<hex>` string of a /Contents entry: PAdES
 * excludes precisely that string from the signed bytes. Incremental updates append, so the
 * last one in the file is the newest signature.
 */
function lastSignature(pdf: Buffer): FoundSignature | null {
  const text = pdf.toString('latin1');
  const matches = [...text.matchAll(BYTE_RANGE)].reverse();
  for (const match of matches) {
    const range = match.slice(1, 5).map(Number) as FoundSignature['range'];
    const [start, firstLength, secondStart, secondLength] = range;
    if (!range.every(Number.isSafeInteger)) continue;
    const gapStart = start + firstLength;
    if (gapStart >= secondStart || secondStart + secondLength > pdf.length) continue;
    const gap = HEX_CONTENTS.exec(text.slice(gapStart, secondStart));
    if (!gap || !/\/Contents\s*$/.test(text.slice(Math.max(0, gapStart - 32), gapStart))) continue;
    const hex = gap[1].replace(/\s+/g, '');
    if (hex.length < 2) continue;
    const time = dictionaryTime(text, match.index, secondStart);
    return { range, cms: Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'), ...(time ? { time } : {}) };
  }
  return null;
}

/** /M of the object that holds the /ByteRange at `at` and the /Contents ending at `contentsEnd`. */
function dictionaryTime(text: string, at: number, contentsEnd: number): Date | undefined {
  const before = text.slice(Math.max(0, at - 4096), at);
  const starts = [...before.matchAll(/\d+\s+\d+\s+obj\b/g)];
  const start = starts.length ? at - before.length + starts[starts.length - 1].index : at;
  const end = text.indexOf('endobj', contentsEnd);
  const dictionary = text.slice(start, at) + text.slice(contentsEnd, end === -1 ? contentsEnd + 4096 : end);
  const date = /\/M\s*\(D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?/.exec(dictionary);
  if (!date) return undefined;
  const [, year, month, day, hour, minute, second = '00', zone = 'Z'] = date;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.replace(/'/g, '').slice(3, 5)}`;
  const parsed = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${offset}`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

function signedSigningTime(signerInfo: SignedData['signerInfos'][number]): Date | undefined {
  const attribute = signerInfo.signedAttrs?.attributes.find((a) => a.type === OID.signingTime);
  const value = attribute?.values[0] as { toDate?: () => Date } | undefined;
  const date = value?.toDate?.();
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/**
 * The time of an attached RFC 3161 token, when its imprint is of this signature and the token's
 * own signature verifies (the TSA's chain is not judged here either); otherwise undefined.
 */
async function timeStamp(
  signerInfo: SignedData['signerInfos'][number],
  engine: ReturnType<typeof nodeCryptoEngine>,
): Promise<Date | undefined> {
  const attribute = signerInfo.unsignedAttrs?.attributes.find((a) => a.type === OID.timeStampToken);
  if (!attribute?.values[0]) return undefined;
  try {
    const token = new SignedData({ schema: new ContentInfo({ schema: attribute.values[0] }).content });
    const content = token.encapContentInfo.eContent;
    if (!content) return undefined;
    // For a TSTInfo, pkijs checks the imprint against `data` (here the signature value) too.
    const verified = await token.verify(
      {
        signer: 0,
        data: signerInfo.signature.getValue(),
        checkChain: false,
      },
      engine,
    );
    return verified === true ? TSTInfo.fromBER(content.getValue()).genTime : undefined;
  } catch {
    return undefined;
  }
}

function x509(certificate: Certificate): X509Certificate | null {
  try {
    return new X509Certificate(Buffer.from(certificate.toSchema().toBER(false)));
  } catch {
    return null;
  }
}

/** The same certificate: issuer, serial number and key, whatever library encoded it last. */
function sameCertificate(a: X509Certificate, b: X509Certificate): boolean {
  return a.issuer === b.issuer && a.serialNumber === b.serialNumber && a.publicKey.equals(b.publicKey);
}

/** "CN, O" of the subject (one of them when they are the same or the other is absent). */
function subjectName(certificate: Certificate): string | undefined {
  const field = (type: string) => {
    const value = certificate.subject.typesAndValues.find((t) => t.type === type)?.value.valueBlock.value;
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  };
  const names = [field(OID.commonName), field(OID.organization)].filter((v): v is string => v !== undefined);
  return names.length ? [...new Set(names)].join(', ') : undefined;
}
