import { ApiProperty } from '@nestjs/swagger';

/** The OpenAPI shape of what the client's routes answer (ClientView, CodeState). */
export class CourseSnapshotResponse {
  @ApiProperty() code!: string;
  @ApiProperty({ type: String, nullable: true }) title!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2027-02-01' }) startDate!: string | null;
  @ApiProperty({ type: Number, nullable: true }) priceKopecks!: number | null;
  @ApiProperty({ type: Number, nullable: true }) discountKopecks!: number | null;
  @ApiProperty({ type: Number, nullable: true }) finalPriceKopecks!: number | null;
  @ApiProperty({ type: String, nullable: true }) promoStatus!: string | null;
}

export class SigningCodeStateResponse {
  @ApiProperty() sentAt!: string;
  @ApiProperty() expiresAt!: string;
  @ApiProperty() attemptsLeft!: number;
  @ApiProperty() locked!: boolean;
  @ApiProperty({ description: 'When another code may be asked for' }) canResendAt!: string;
  @ApiProperty({ description: 'New codes that may still be asked for before signing locks' }) codesLeft!: number;
  @ApiProperty({ description: 'Signing is locked until the school unlocks it' }) signingLocked!: boolean;
}

class DocumentsState {
  @ApiProperty() draft!: boolean;
  @ApiProperty() signed!: boolean;
}

export class CorrectionsState {
  @ApiProperty({ description: 'CONTRACT_MAX_CORRECTIONS; 0: corrections are turned off' }) max!: number;
  @ApiProperty() used!: number;
  @ApiProperty() left!: number;
  @ApiProperty({ description: 'A correction is possible now: the draft awaits a signature, not locked' })
  allowed!: boolean;
}

export class CorrectionResponse {
  @ApiProperty({ description: 'The new draft’s revision: n after the n-th correction' }) draftRevision!: number;
  @ApiProperty() correctionsLeft!: number;
}

export class ClientViewResponse {
  @ApiProperty({ format: 'uuid' }) applicationId!: string;
  @ApiProperty({
    enum: ['FORM', 'PREPARING_DRAFT', 'SIGNING', 'SIGNING_LOCKED', 'FINALIZING', 'CONCLUDED', 'DECLINED', 'ENDED'],
    description: 'What the page shows now',
  })
  state!: string;
  @ApiProperty({ type: String, nullable: true }) outcome!: string | null;
  @ApiProperty({ type: String, nullable: true }) outcomeReason!: string | null;
  @ApiProperty() clientName!: string;
  @ApiProperty({ type: CourseSnapshotResponse }) course!: CourseSnapshotResponse;
  @ApiProperty({ type: String, nullable: true }) linkExpiresAt!: string | null;
  @ApiProperty({ type: DocumentsState }) documents!: DocumentsState;
  @ApiProperty({ type: CorrectionsState }) corrections!: CorrectionsState;
  @ApiProperty({ type: SigningCodeStateResponse, nullable: true, description: 'The code last sent; null: none yet' })
  signingCode!: SigningCodeStateResponse | null;
}
