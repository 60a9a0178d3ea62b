import { defineJob } from '../../../platform/queue';
import { indexDocuments } from '../commands/index-document';
import { indexDocumentPayload } from '../knowledge.schema';

const ATTEMPTS = 3;

/** A batch of documents through the pipeline; permanent failures end in status "failed" without retries. */
export const indexDocumentJob = defineJob({
  name: 'knowledge.index-document',
  payload: indexDocumentPayload,
  attempts: ATTEMPTS,
  backoffMs: 2000,
  handler: async ({ tenantId, documentIds }, job) => {
    await indexDocuments(job.services, tenantId, documentIds, { attempt: job.attempt, maxAttempts: ATTEMPTS });
  },
});
