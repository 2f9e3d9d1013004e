import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A one-time step of an application, held by the one request that took it, or an allowance's
 * counter (see StepClaims).
 */
@Schema({ collection: 'step_claims', versionKey: false })
export class StepClaim {
  /** `<applicationId>.<step>`, e.g. `<applicationId>.data-submitted` or `<applicationId>.correction`. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  claimedAt!: Date;

  /** A counter's uses taken so far. */
  @Prop({ type: Number })
  taken?: number;
}

export const StepClaimSchema = SchemaFactory.createForClass(StepClaim);
