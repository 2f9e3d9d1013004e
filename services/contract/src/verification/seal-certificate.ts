import { readFileSync } from 'node:fs';
import type { ConfigService } from '@nestjs/config';
import { readPkcs12 } from '../documents/seal/cades-signer';

/**
 * The school's seal certificate (DER) from the PKCS#12 file PdfSealer signs with, read the way
 * PdfSealer reads it. A file that does not open stops start-up, naming the variable.
 */
export function sealCertificate(config: ConfigService): Buffer {
  const file = config.get<string>('CONTRACT_SEAL_P12_FILE');
  if (!file) throw new Error('CONTRACT_SEAL_P12_FILE is not set: the verifier needs the seal certificate');
  try {
    return readPkcs12(readFileSync(file), config.get<string>('CONTRACT_SEAL_P12_PASSPHRASE') ?? '').chain[0]!;
  } catch (e) {
    throw new Error(`CONTRACT_SEAL_P12_FILE (${file}): ${(e as Error).message}`);
  }
}
