import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * Held by the one request that starts an application's process, so concurrent repeats of a CRM
 * post never start a second. A document inserted under the application's id: the unique `_id`
 * lets exactly one insert in, on MongoDB and on the local Mongo-protocol server alike (which does
 * not apply concurrent conditional updates of one document atomically, docs/mongo-server.md).
 */
@Schema({ collection: 'process_start_claims', versionKey: false })
export class ProcessStartClaim {
  /** The application id. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  claimedAt!: Date;
}

export const ProcessStartClaimSchema = SchemaFactory.createForClass(ProcessStartClaim);
