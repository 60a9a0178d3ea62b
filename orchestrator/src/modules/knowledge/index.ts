import type { AtriumModule } from '../module';
import { indexDocumentJob } from './jobs/index-document.job';
import { reembedTenantJob } from './jobs/reembed-tenant.job';
import { syncSourceJob } from './jobs/sync-source.job';
import { knowledgePolicies } from './knowledge.policy';
import { knowledgeRoutes } from './knowledge.routes';

export { searchKnowledge, accessFor, type SearchKnowledgeInput, type Reranker, type KnowledgeHit } from './commands/search-knowledge';
export { addDocument, addDocuments, type AddDocumentInput, type NewDocument } from './commands/add-document';
export { indexDocuments } from './commands/index-document';
export { detectFormat, SUPPORTED_TYPES, type DocumentFormat } from './extraction/extract-text';
export { citationSchema, type Citation } from './knowledge.schema';
export { embedderFor } from './embedding/create-embedder';

export const knowledgeModule: AtriumModule = {
  name: 'knowledge',
  routes: knowledgeRoutes,
  jobs: [indexDocumentJob, syncSourceJob, reembedTenantJob],
  policies: knowledgePolicies,
};
