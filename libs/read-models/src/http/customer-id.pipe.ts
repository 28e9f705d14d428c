import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { PARTY_ID_PATTERN } from '@touchline/touchpoints';

/** A customer id as the catalogue allows it (docs/events.md); anything else cannot exist: 400. */
@Injectable()
export class CustomerIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || value.length > 128 || !PARTY_ID_PATTERN.test(value)) {
      throw new BadRequestException(
        'customer id must be 1–128 letters, digits and . _ : | -, starting with a letter or digit',
      );
    }
    return value;
  }
}
