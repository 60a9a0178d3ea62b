-- Knowledge: sources, documents, chunks, a BM25 inverted index and embeddings.
-- Written to the PostgreSQL 15 subset so it runs unchanged on PG15 + pgvector 0.8.0 and PGlite (PG18 + 0.8.7).
CREATE EXTENSION IF NOT EXISTS vector;

-- The embedder each tenant's index was built with (chunk sizing lives in the tenant config's `retrieval`).
-- `embedder` is the "index identity" (provider, model, size): when the configured embedder differs, the
-- vector lane is switched off for that tenant and every chunk is re-embedded, never compared across spaces.
CREATE TABLE knowledge_settings (
  tenant_id uuid NOT NULL PRIMARY KEY REFERENCES tenants (id),
  embedder text NOT NULL,
  embedding_dims int NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE knowledge_sources (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('upload', 'web', 'api')),
  name text NOT NULL,
  config jsonb NOT NULL DEFAULT '{}'::jsonb,
  access_groups text[] NOT NULL DEFAULT '{}',
  sensitivity text NOT NULL DEFAULT 'internal' CHECK (sensitivity IN ('public', 'internal', 'confidential', 'restricted')),
  sync_status text NOT NULL DEFAULT 'idle' CHECK (sync_status IN ('idle', 'syncing', 'failed')),
  sync_error text,
  last_synced_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE knowledge_documents (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  source_id uuid,
  -- identity of the document inside its source (file name, URL, caller key): a re-push replaces, never duplicates
  external_key text,
  title text NOT NULL,
  url text,
  mime_type text,
  byte_size int,
  content_hash text,
  sensitivity text NOT NULL DEFAULT 'internal' CHECK (sensitivity IN ('public', 'internal', 'confidential', 'restricted')),
  access_groups text[] NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'uploaded'
    CHECK (status IN ('uploaded', 'extracting', 'chunking', 'embedding', 'indexed', 'failed')),
  error_code text,
  error text,
  chunk_count int NOT NULL DEFAULT 0,
  embedder text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  indexed_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, source_id) REFERENCES knowledge_sources (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX knowledge_documents_source_key ON knowledge_documents (tenant_id, source_id, external_key)
  WHERE external_key IS NOT NULL;
CREATE INDEX knowledge_documents_recent ON knowledge_documents (tenant_id, created_at DESC);

-- Raw upload bytes between the request and the extraction job; deleted once extracted.
CREATE TABLE knowledge_document_blobs (
  tenant_id uuid NOT NULL,
  document_id uuid NOT NULL,
  file_name text NOT NULL,
  body bytea NOT NULL,
  PRIMARY KEY (tenant_id, document_id),
  FOREIGN KEY (tenant_id, document_id) REFERENCES knowledge_documents (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE knowledge_chunks (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  document_id uuid NOT NULL,
  ordinal int NOT NULL,
  heading_path text[] NOT NULL DEFAULT '{}',
  char_start int NOT NULL,
  char_end int NOT NULL,
  content text NOT NULL,
  token_count int NOT NULL,
  -- BM25 document length: number of indexed lexeme occurrences
  term_count int NOT NULL,
  -- copy of the document's groups, so search filters without a join; '{}' = everyone in the tenant
  access_groups text[] NOT NULL DEFAULT '{}',
  embedding vector,
  embedding_dims int,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, document_id) REFERENCES knowledge_documents (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX knowledge_chunks_document ON knowledge_chunks (tenant_id, document_id, ordinal);

-- One partial HNSW index per common embedding size. The column is untyped so a tenant can change embedder;
-- queries cast to the same vector(N) and repeat the predicate so the planner can use the matching index.
-- Other sizes still work through an exact scan.
CREATE INDEX knowledge_chunks_hnsw_256 ON knowledge_chunks USING hnsw ((embedding::vector(256)) vector_cosine_ops) WHERE embedding_dims = 256;
CREATE INDEX knowledge_chunks_hnsw_384 ON knowledge_chunks USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE embedding_dims = 384;
CREATE INDEX knowledge_chunks_hnsw_512 ON knowledge_chunks USING hnsw ((embedding::vector(512)) vector_cosine_ops) WHERE embedding_dims = 512;
CREATE INDEX knowledge_chunks_hnsw_768 ON knowledge_chunks USING hnsw ((embedding::vector(768)) vector_cosine_ops) WHERE embedding_dims = 768;
CREATE INDEX knowledge_chunks_hnsw_1024 ON knowledge_chunks USING hnsw ((embedding::vector(1024)) vector_cosine_ops) WHERE embedding_dims = 1024;
CREATE INDEX knowledge_chunks_hnsw_1536 ON knowledge_chunks USING hnsw ((embedding::vector(1536)) vector_cosine_ops) WHERE embedding_dims = 1536;

-- BM25 inverted index: one row per (lexeme, chunk). `doc_len` and the access groups are copied from the
-- chunk so scoring reads only the posting lists of the query's lexemes, with no join per candidate.
-- access_groups is NULL for chunks open to the whole tenant (a NULL costs one bit, an empty array ~24 bytes).
CREATE TABLE knowledge_postings (
  tenant_id uuid NOT NULL,
  term text NOT NULL,
  chunk_id uuid NOT NULL,
  tf int NOT NULL,
  doc_len int NOT NULL,
  access_groups text[] CHECK (access_groups <> '{}'),
  PRIMARY KEY (tenant_id, term, chunk_id),
  FOREIGN KEY (tenant_id, chunk_id) REFERENCES knowledge_chunks (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX knowledge_postings_chunk ON knowledge_postings (tenant_id, chunk_id);

-- Corpus size and total length for BM25 (N, avgdl), kept exact by triggers, so cascaded deletes count too.
CREATE TABLE knowledge_corpus_stats (
  tenant_id uuid NOT NULL PRIMARY KEY,
  chunk_count bigint NOT NULL DEFAULT 0,
  term_total bigint NOT NULL DEFAULT 0
);

CREATE FUNCTION knowledge_chunks_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO knowledge_corpus_stats AS s (tenant_id, chunk_count, term_total)
    SELECT tenant_id, count(*), sum(term_count) FROM inserted_chunks GROUP BY tenant_id
  ON CONFLICT (tenant_id) DO UPDATE
    SET chunk_count = s.chunk_count + excluded.chunk_count, term_total = s.term_total + excluded.term_total;
  RETURN NULL;
END $$;

CREATE FUNCTION knowledge_chunks_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE knowledge_corpus_stats s
    SET chunk_count = s.chunk_count - d.n, term_total = s.term_total - d.total
    FROM (SELECT tenant_id, count(*) AS n, sum(term_count) AS total FROM deleted_chunks GROUP BY tenant_id) d
    WHERE s.tenant_id = d.tenant_id;
  RETURN NULL;
END $$;

CREATE TRIGGER knowledge_chunks_counted_in AFTER INSERT ON knowledge_chunks
  REFERENCING NEW TABLE AS inserted_chunks FOR EACH STATEMENT EXECUTE FUNCTION knowledge_chunks_count_inserted();
CREATE TRIGGER knowledge_chunks_counted_out AFTER DELETE ON knowledge_chunks
  REFERENCING OLD TABLE AS deleted_chunks FOR EACH STATEMENT EXECUTE FUNCTION knowledge_chunks_count_deleted();

CALL atrium_tenant_table('knowledge_settings');
CALL atrium_tenant_table('knowledge_sources');
CALL atrium_tenant_table('knowledge_documents');
CALL atrium_tenant_table('knowledge_document_blobs');
CALL atrium_tenant_table('knowledge_chunks');
CALL atrium_tenant_table('knowledge_postings');
CALL atrium_tenant_table('knowledge_corpus_stats');
