-- The identifiers a data-subject request names (user, email), sealed with the platform key (SecretBox) while the
-- request runs and cleared when it completes. The job payload carries only ids: a queue keeps finished and
-- dead-lettered jobs, and an erased person's email must not outlive the erasure there. PG15 subset.
ALTER TABLE dsar_requests ADD COLUMN subject_sealed text;
