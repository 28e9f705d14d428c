import { Command } from '@nestjs/cqrs';
import type { ChurnRefitView } from '../../churn-model.view';

/** Refit the churn model as of an instant (waits for a refit under way elsewhere). */
export class RefitChurnModelCommand extends Command<ChurnRefitView> {
  constructor(readonly asOf: Date) {
    super();
  }
}
