-- Tracefold storage, version 2: projects and the API keys that authenticate them.

-- One row per project. id is the project id every span, trace and topic key carries
-- ('default', 'team-a.prod'); name is for display (the id unless set otherwise).
-- retention_days: how long the project's traces are kept (used by retention, when it exists).
-- quiet_window_millis: the project's completion quiet window; NULL = the global default.
CREATE TABLE projects (
  id                  text        PRIMARY KEY CONSTRAINT projects_id_check
                                    CHECK (id ~ '^[A-Za-z0-9_.-]{1,64}$'),
  name                text        NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  retention_days      integer     NOT NULL DEFAULT 30 CONSTRAINT projects_retention_days_check
                                    CHECK (retention_days > 0),
  quiet_window_millis bigint      CONSTRAINT projects_quiet_window_millis_check
                                    CHECK (quiet_window_millis > 0)
);

-- Projects that already have traces (stored before keys existed) become projects.
INSERT INTO projects (id, name)
SELECT DISTINCT project_id, project_id FROM traces WHERE project_id ~ '^[A-Za-z0-9_.-]{1,64}$'
ON CONFLICT (id) DO NOTHING;

-- One row per API key. The key itself is never stored: hash = SHA-256(salt || UTF-8 key), with
-- salt 16 random bytes per key (see ApiKeyStore for why a fast hash suffices). prefix is the
-- key's first 11 characters ('tf_' + 8), shown to people and used to find the candidate rows
-- when a key is presented. source: 'cli' (tracefold keys create), 'config' (TRACEFOLD_API_KEYS;
-- revoked when removed from it), 'development' (the standalone pipeline's development key).
-- A key is active while revoked_at is NULL; rows are never deleted.
CREATE TABLE api_keys (
  id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id text        NOT NULL REFERENCES projects (id),
  hash       bytea       NOT NULL CONSTRAINT api_keys_hash_check CHECK (octet_length(hash) = 32),
  salt       bytea       NOT NULL CONSTRAINT api_keys_salt_check CHECK (octet_length(salt) >= 16),
  prefix     text        NOT NULL,
  source     text        NOT NULL CONSTRAINT api_keys_source_check
                           CHECK (source IN ('cli', 'config', 'development')),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- Verification: the active keys with the presented key's prefix.
CREATE INDEX api_keys_active_prefix_idx ON api_keys (prefix) WHERE revoked_at IS NULL;
CREATE INDEX api_keys_project_idx ON api_keys (project_id);
