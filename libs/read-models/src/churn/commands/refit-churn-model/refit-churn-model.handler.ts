import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ChurnModel } from '../../churn-model.service';
import { toChurnModelView, type ChurnRefitView } from '../../churn-model.view';
import { RefitChurnModelCommand } from './refit-churn-model.command';

@CommandHandler(RefitChurnModelCommand)
export class RefitChurnModelHandler implements ICommandHandler<RefitChurnModelCommand> {
  constructor(private readonly churn: ChurnModel) {}

  async execute({ asOf }: RefitChurnModelCommand): Promise<ChurnRefitView> {
    const result = await this.churn.refit({ asOf });
    // Without onlyIfOlderThan the refit waits for the lock and always happens.
    if (result === null) throw new Error('Churn refit did not run');
    return { ...toChurnModelView(result.model), bandRises: result.bandRises };
  }
}
