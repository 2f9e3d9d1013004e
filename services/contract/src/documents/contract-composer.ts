import { Injectable } from '@nestjs/common';
import type { ApplicationDocument } from '../applications/application.schema';
import { PersonalDataVault } from '../applications/personal-data';
import type { ContractParties, CourseTerms } from './pdf/contract-pdf.renderer';
import { contractErrors } from '../contract-errors';

/** Brings an application's stored data into the shape the PDF renderer takes. */
@Injectable()
export class ContractComposer {
  constructor(private readonly vault: PersonalDataVault) {}

  parties(application: ApplicationDocument): ContractParties {
    if (!application.personal || !application.fullName) {
      throw contractErrors.CLIENT_DATA_MISSING(`Application ${application._id} has no client data yet`);
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
