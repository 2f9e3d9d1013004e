import { readFileSync } from 'node:fs';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { CadesSigner, nameValues, readPkcs12 } from './cades-signer';
import { DEV_SEAL_ORGANIZATION, type SealEnv } from './seal.config';
import { nodeCryptoEngine, TsaClient } from './tsa-client';

type Env = SealEnv & { NODE_ENV: 'development' | 'test' | 'production' };

export interface SealOptions {
  /**
   * The time written as the signature's /M. Defaults to now. Pass the moment the contract was
   * signed to get the same bytes for the same PDF (without a TSA, nothing else in the seal varies).
   */
  signingTime?: Date;
}

/**
 * Seals a finished PDF with the school's certificate: an incremental update with an invisible
 * signature field on the first page, SubFilter ETSI.CAdES.detached, /ByteRange covering the
 * whole file except the signature itself (PAdES baseline B; B-T with CONTRACT_SEAL_TSA_URL).
 * A change to any byte of the sealed file shows as an invalid signature in any PDF reader.
 */
@Injectable()
export class PdfSealer implements OnModuleInit {
  private readonly logger = new Logger(PdfSealer.name);
  private signer?: CadesSigner;
  private sealCertificate?: Buffer;
  private readonly signPdf = new SignPdf();

  constructor(private readonly config: ConfigService<Env, true>) {}

  /** Reads the PKCS#12 once; a missing, unreadable or (in production) development certificate stops the service. */
  onModuleInit(): void {
    this.load();
  }

  /** The seal's own certificate (DER): what the public check compares a PDF's signer with. */
  get certificate(): Buffer {
    this.load();
    return this.sealCertificate!;
  }

  async seal(pdf: Buffer, options: SealOptions = {}): Promise<Buffer> {
    const signer = this.load();
    const signingTime = options.signingTime ?? new Date();
    const name = nameValues(signer.certificate.subject, 'commonName')[0] ?? '';
    const withPlaceholder = plainAddPlaceholder({
      pdfBuffer: pdf,
      reason: this.config.get('CONTRACT_SEAL_REASON', { infer: true }),
      location: this.config.get('CONTRACT_SEAL_LOCATION', { infer: true }),
      // placeholder-plain garbles non-ASCII strings; readers show the certificate's name anyway.
      name: /^[\x20-\x7e]*$/.test(name) ? name : '',
      contactInfo: '',
      signingTime,
      signatureLength: signer.maxSignatureLength,
      subFilter: SUBFILTER_ETSI_CADES_DETACHED,
      appName: 'OTUS-Contract', // a PDF name: no spaces
    });
    return this.signPdf.sign(withPlaceholder, signer, signingTime);
  }

  private load(): CadesSigner {
    if (this.signer) return this.signer;
    const file = this.config.get('CONTRACT_SEAL_P12_FILE', { infer: true });
    let credentials;
    try {
      credentials = readPkcs12(
        readFileSync(file),
        this.config.get('CONTRACT_SEAL_P12_PASSPHRASE', { infer: true }) ?? '',
      );
    } catch (e) {
      throw new Error(`CONTRACT_SEAL_P12_FILE (${file}): ${(e as Error).message}`);
    }
    const tsaUrl = this.config.get('CONTRACT_SEAL_TSA_URL', { infer: true });
    const tsa = tsaUrl
      ? new TsaClient(
          tsaUrl,
          this.config.get('CONTRACT_SEAL_TSA_TIMEOUT_MS', { infer: true }) ?? 10_000,
          nodeCryptoEngine(),
        )
      : undefined;
    const signer = new CadesSigner(credentials, tsa);
    const { subject, issuer } = signer.certificate;
    const development = [...nameValues(subject, 'organizationName'), ...nameValues(issuer, 'organizationName')].some(
      (o) => o.includes(DEV_SEAL_ORGANIZATION),
    );
    if (development && this.config.get('NODE_ENV', { infer: true }) === 'production') {
      throw new Error(
        `CONTRACT_SEAL_P12_FILE (${file}) holds the development seal certificate (O=${DEV_SEAL_ORGANIZATION}): ` +
          'production seals contracts with the school’s own certificate',
      );
    }
    const notAfter = signer.certificate.notAfter.value;
    if (notAfter.getTime() < Date.now()) {
      throw new Error(`CONTRACT_SEAL_P12_FILE (${file}): the seal certificate expired on ${notAfter.toISOString()}`);
    }
    const cn = nameValues(subject, 'commonName')[0] ?? '(no CN)';
    this.logger.log(
      `sealing contracts as "${cn}"${development ? ' (development certificate)' : ''}, valid until ` +
        `${notAfter.toISOString()}${tsa ? `, timestamps from ${tsa.url}` : ', without timestamps'}`,
    );
    this.signer = signer;
    this.sealCertificate = credentials.chain[0];
    return signer;
  }
}
