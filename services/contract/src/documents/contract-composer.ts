import { Injectable } from '@nestjs/common';
import { DomainError } from '@otus/common';
import type { ApplicationDocument } from '../applications/application.schema';
import { PersonalDataVault } from '../applications/personal-data';
import type { ContractParties, CourseTerms } from './pdf/contract-pdf.renderer';

/** Brings an application's stored data into the shape the PDF renderer takes. */
@Injectable()
export class ContractComposer {
  constructor(private readonly vault: PersonalDataVault) {}

  parties(application: ApplicationDocument): ContractParties {
    if (!application.personal || !application.fullName) {
      throw new DomainError('CLIENT_DATA_MISSING', `Application ${application._id} has no client data yet`, {
        status: 409,
      });
    }
    return {
      applicationId: application._id,
      fullName: application.fullName,
      phone: application.clientPhone,
      email: application.clientEmail,
      ...this.vault.open(application._id, application.personal),
    };
  }
}

export type { CourseTerms };
