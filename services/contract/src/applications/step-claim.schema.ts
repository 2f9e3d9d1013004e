import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A one-time step of an application, held by the one request that took it (see StepClaims). */
@Schema({ collection: 'step_claims', versionKey: false })
export class StepClaim {
  /** `<applicationId>.<step>`, e.g. `<applicationId>.data-submitted`. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  claimedAt!: Date;
}

export const StepClaimSchema = SchemaFactory.createForClass(StepClaim);
