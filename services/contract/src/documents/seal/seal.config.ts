import { secret } from '@otus/common';
import { z } from 'zod';

/**
 * The organisation name (subject O) of the development certificates the local stack and the
 * tests generate. PdfSealer refuses to start with NODE_ENV=production when the seal certificate
 * or its issuer carries it: a contract sealed with a key anyone can generate proves nothing.
 */
export const DEV_SEAL_ORGANIZATION = 'OTUS Contract development';

/**
 * PDF strings in the signature dictionary are written by @signpdf/placeholder-plain, which
 * mangles non-ASCII text (it writes UTF-16 as UTF-8): Reason and Location are ASCII only.
 */
const pdfAscii = z.string().regex(/^[\x20-\x7e]*$/, 'printable ASCII only (written into the PDF signature dictionary)');

/** The school's seal on the signed contract PDF (see PdfSealer). Merged into contractEnv. */
export const sealEnv = z.object({
  /**
   * PKCS#12 file with the seal's RSA key, its certificate and (optionally) the issuing chain.
   * The local stack generates a development one; production mounts the school's own.
   */
  CONTRACT_SEAL_P12_FILE: z.string().min(1),
  /** Passphrase of the PKCS#12 file; may be empty. */
  CONTRACT_SEAL_P12_PASSPHRASE: secret('password', z.string()).default(''),
  /**
   * RFC 3161 timestamp authority. When set, every seal carries a signature timestamp token
   * (the signature is then PAdES B-T); a TSA that does not answer fails the sealing.
   */
  CONTRACT_SEAL_TSA_URL: z.url().optional(),
  /** Milliseconds to wait for the TSA. */
  CONTRACT_SEAL_TSA_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** /Reason of the PDF signature. */
  CONTRACT_SEAL_REASON: pdfAscii.default('Contract concluded electronically; sealed by the school'),
  /** /Location of the PDF signature. */
  CONTRACT_SEAL_LOCATION: pdfAscii.default('Moscow, Russia'),
});
export type SealEnv = z.infer<typeof sealEnv>;
