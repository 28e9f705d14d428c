import { IsBoolean, IsOptional, Matches } from 'class-validator';
import type { JsonObject } from '@touchline/event-store';
import {
  FreeFormAttributes,
  Label,
  NotTogetherWith,
  PartyId,
  ProfileAttributes,
  Text,
} from './field-decorators';

export class ProfileUpdatedData {
  /**
   * The attributes that changed, each set to its new value or to null (cleared). Known ones
   * (name, firstName, lastName, email, phone, birthDate, address, locale, timeZone) are checked;
   * others are free-form. Required on ingestion; optional here because it is personal and an
   * erased event no longer has it.
   */
  @IsOptional()
  @ProfileAttributes()
  attributes?: JsonObject;
}

export class ConsentChangedData {
  /** A machine code such as "marketing.email", "marketing.sms", "profiling", "analytics". */
  @Text(64)
  @Matches(/^[a-z][a-z0-9_.:-]*$/, {
    message:
      '$property must be a lower-case code such as marketing.email (letters, digits, _ . : -)',
  })
  purpose!: string;

  @IsBoolean()
  granted!: boolean;

  /** The version of the policy or wording the customer saw. */
  @IsOptional()
  @Label()
  policyVersion?: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}

/**
 * Recorded in the customer's stream: "this anonymous visitor, or this earlier customer id, is
 * me". Exactly one of anonymousId and previousId.
 */
export class IdentityLinkedData {
  @IsOptional()
  @PartyId()
  @NotTogetherWith('previousId')
  anonymousId?: string;

  @IsOptional()
  @PartyId()
  previousId?: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}

/** Anything the catalogue does not type yet. Analytics ignore it; timelines show it by name. */
export class CustomData {
  @Text(200)
  name!: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}
