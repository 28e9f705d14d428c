import { ApiProperty } from '@nestjs/swagger';

class FailedEventDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() position!: string;
}

class LastErrorDto {
  @ApiProperty() message!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) at!: string | null;
  @ApiProperty({ type: FailedEventDto, nullable: true }) event!: FailedEventDto | null;
}

class BuildProgressDto {
  @ApiProperty() version!: number;
  @ApiProperty() generation!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Store position of the last event applied',
  })
  checkpoint!: string | null;
  @ApiProperty({ description: 'Committed events not applied yet' }) lagEvents!: number;
  @ApiProperty({ description: 'Age of the oldest event not applied yet' }) lagSeconds!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastMovedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastEventRecordedAt!: string | null;
  @ApiProperty({ description: 'How long work has waited without the checkpoint moving' })
  stalledForMs!: number;
}

class RebuildDto extends BuildProgressDto {
  @ApiProperty({ enum: ['running', 'stopped', 'failed'] }) state!: string;
  @ApiProperty() applied!: number;
  @ApiProperty() total!: number;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
}

export class ProjectionStatusDto extends BuildProgressDto {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['running', 'rebuilding', 'stopped', 'failed'] }) state!: string;
  @ApiProperty({ description: 'Nothing waits (lag 0)' }) caughtUp!: boolean;
  @ApiProperty({ description: 'Not failed, and not stalled beyond the threshold' })
  healthy!: boolean;
  @ApiProperty({ type: LastErrorDto, nullable: true }) lastError!: LastErrorDto | null;
  @ApiProperty() deadLetters!: number;
  @ApiProperty({ type: RebuildDto, nullable: true }) rebuild!: RebuildDto | null;
}

export class RebuildStartedDto {
  @ApiProperty() projection!: string;
  @ApiProperty() version!: number;
  @ApiProperty() generation!: number;
  @ApiProperty({ description: 'A rebuild of this version was under way and was joined' })
  alreadyRunning!: boolean;
  @ApiProperty({ description: 'Where to follow its progress' }) progress!: string;
}

export class DeadLetterDto {
  @ApiProperty() id!: string;
  @ApiProperty() projection!: string;
  @ApiProperty() version!: number;
  @ApiProperty() generation!: number;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty() streamRevision!: number;
  @ApiProperty() position!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}
