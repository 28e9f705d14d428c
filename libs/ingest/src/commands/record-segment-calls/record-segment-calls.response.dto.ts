import { ApiProperty } from '@nestjs/swagger';

/** Segment's answer, given only once every touchpoint of the request is durably recorded. */
export class SegmentSuccessDto {
  @ApiProperty({ enum: [true], example: true })
  success!: true;
}
