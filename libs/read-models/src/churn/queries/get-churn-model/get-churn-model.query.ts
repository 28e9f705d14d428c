import { Query } from '@nestjs/cqrs';
import type { ChurnModelView } from '../../churn-model.view';

/** The current churn model; null before the first fit. */
export class GetChurnModelQuery extends Query<ChurnModelView | null> {}
