import { Injectable, Optional } from '@nestjs/common';
import { InjectCommander } from 'nest-commander';

/** Commander names the program after the script file (main); help and errors should say touchline. */
@Injectable()
export class ProgramName {
  constructor(@Optional() @InjectCommander() program?: { name(name: string): unknown }) {
    program?.name('touchline');
  }
}
