import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SealedBox } from '@otus/common';
import type { SealedPersonalData } from './application.schema';
import type { ContractEnv } from '../config';

/** The fields that identify a person beyond name and contacts; they exist in clear only in memory. */
export interface PersonalData {
  birthDate: string;
  passportSeries: string;
  passportNumber: string;
  passportIssuedBy: string;
  passportIssueDate: string;
  address: string;
}

/** AES-256-GCM with the key id in the sealed value; bound to its application so it cannot be moved to another. */
@Injectable()
export class PersonalDataVault {
  private readonly box: SealedBox;

  constructor(config: ConfigService<ContractEnv, true>) {
    this.box = new SealedBox(config.get('CONTRACT_PERSONAL_DATA_KEYS', { infer: true }));
  }

  seal(applicationId: string, data: PersonalData): SealedPersonalData {
    return { sealed: this.box.seal(JSON.stringify(data), context(applicationId)), keyId: this.box.keyId };
  }

  open(applicationId: string, { sealed }: SealedPersonalData): PersonalData {
    return JSON.parse(this.box.open(sealed, context(applicationId)).toString('utf8')) as PersonalData;
  }

  /** A contract PDF prints the same data, so it is sealed with the same keys, bound to its document id. */
  sealDocument(documentId: string, pdf: Buffer): SealedPersonalData {
    return { sealed: this.box.seal(pdf, documentContext(documentId)), keyId: this.box.keyId };
  }

  openDocument(documentId: string, sealed: string): Buffer {
    return this.box.open(sealed, documentContext(documentId));
  }
}

const context = (applicationId: string) => `personal-data:${applicationId}`;
const documentContext = (documentId: string) => `contract-document:${documentId}`;
