/** Moved to src/infra/queues/job-payload.ts; kept until every handler imports from there. */
export { isUuid } from '../infra/queues/job-payload';
