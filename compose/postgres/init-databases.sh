#!/bin/sh
# First start of the PostgreSQL volume only (docker-entrypoint-initdb.d): one database and owner per system.
# Atrium gets two roles: atrium_owner (schema owner, runs migrations) and atrium_app (what the API and worker
# connect as; row-level security applies to it, it owns nothing). pgvector is created here by the superuser
# because it is not a trusted extension.
set -eu
psql -v ON_ERROR_STOP=1 --username postgres --dbname postgres <<SQL
CREATE ROLE atrium_owner LOGIN PASSWORD '${ATRIUM_DB_OWNER_PASSWORD}';
CREATE ROLE atrium_app LOGIN PASSWORD '${ATRIUM_DB_APP_PASSWORD}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE DATABASE atrium OWNER atrium_owner;
CREATE ROLE keycloak LOGIN PASSWORD '${KEYCLOAK_DB_PASSWORD}';
CREATE DATABASE keycloak OWNER keycloak;
CREATE ROLE chatwoot LOGIN PASSWORD '${CHATWOOT_DB_PASSWORD}';
CREATE DATABASE chatwoot OWNER chatwoot;
CREATE ROLE n8n LOGIN PASSWORD '${N8N_DB_PASSWORD}';
CREATE DATABASE n8n OWNER n8n;
SQL
psql -v ON_ERROR_STOP=1 --username postgres --dbname atrium -c 'CREATE EXTENSION IF NOT EXISTS vector; ALTER SCHEMA public OWNER TO atrium_owner;'
# Chatwoot enables pg_stat_statements, pgcrypto and vector in its own schema; it needs them pre-created too.
psql -v ON_ERROR_STOP=1 --username postgres --dbname chatwoot -c 'CREATE EXTENSION IF NOT EXISTS vector; CREATE EXTENSION IF NOT EXISTS pg_stat_statements; CREATE EXTENSION IF NOT EXISTS pgcrypto;'
