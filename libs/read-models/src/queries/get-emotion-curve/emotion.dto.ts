import { ApiProperty } from '@nestjs/swagger';
import type { EmotionPoint, PeakEndView } from './emotion';

export class EmotionPointDto implements EmotionPoint {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: '−1..1' }) sentiment!: number;
  @ApiProperty({ enum: ['explicit', 'survey', 'text'] }) source!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() type!: string;
}

export class PeakEndDto implements PeakEndView {
  @ApiProperty({ type: EmotionPointDto, nullable: true, description: 'Earliest on ties' })
  mostNegative!: EmotionPointDto | null;
  @ApiProperty({ type: EmotionPointDto, nullable: true, description: 'Earliest on ties' })
  mostPositive!: EmotionPointDto | null;
  @ApiProperty({ type: EmotionPointDto, nullable: true, description: 'The last moment' })
  end!: EmotionPointDto | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Mean of the three' })
  peakEndMean!: number | null;
}

export class EmotionCurveDto {
  @ApiProperty() customerId!: string;
  @ApiProperty({ type: [EmotionPointDto], description: 'Every moment with a sentiment, in order' })
  curve!: EmotionPointDto[];
  @ApiProperty({ type: PeakEndDto }) peakEnd!: PeakEndDto;
}
