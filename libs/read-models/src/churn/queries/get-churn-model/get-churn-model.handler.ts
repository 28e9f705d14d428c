import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ChurnModel } from '../../churn-model.service';
import { toChurnModelView, type ChurnModelView } from '../../churn-model.view';
import { GetChurnModelQuery } from './get-churn-model.query';

@QueryHandler(GetChurnModelQuery)
export class GetChurnModelHandler implements IQueryHandler<GetChurnModelQuery> {
  constructor(private readonly churn: ChurnModel) {}

  async execute(): Promise<ChurnModelView | null> {
    const model = await this.churn.current();
    return model && toChurnModelView(model);
  }
}
