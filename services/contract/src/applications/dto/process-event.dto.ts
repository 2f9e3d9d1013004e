import { IsEmail, IsIn, IsOptional, Matches, MaxLength } from 'class-validator';

/** Process steps that other services carry out and the contract's audit chain records. */
export const PROCESS_EVENT_ACTIONS = ['link.sent', 'link.reissued', 'link.reminded'] as const;
export type ProcessEventAction = (typeof PROCESS_EVENT_ACTIONS)[number];

export class RecordProcessEventDto {
  @IsIn(PROCESS_EVENT_ACTIONS)
  action!: ProcessEventAction;

  /** The caller's id of the step (its task key): a repeated call with the same key records nothing new. */
  @Matches(/^[A-Za-z0-9._:-]{1,200}$/, { message: 'eventKey must be 1-200 letters, digits, ".", "_", ":" or "-"' })
  eventKey!: string;

  /** The address the e-mail went to; the chain keeps it masked. */
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  sentTo?: string;
}
