export { Population, PURCHASE_MODEL, SPEND_MODEL } from './population';
export type { PopulationOptions, SyntheticCustomer } from './population';
export { uuidV5 } from './uuid';
