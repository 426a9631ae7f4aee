-- Hourglass store schema, version 3, for PostgreSQL 12+.
--
-- The store creates these tables on first open when they are absent. To apply it by hand
-- (for example when the store's database user may not run DDL), run this file in the target
-- database and schema; with a tablePrefix other than hg_, replace every "hg_" first.
--
-- Times are epoch milliseconds. Ids, readers and stream ids use the "C" collation, so ordering
-- and equality are byte by byte. A session's version holds its creation time in the high bits
-- and a write counter in the low 21 bits.

CREATE TABLE IF NOT EXISTS hg_schema_version (
  component  TEXT    NOT NULL PRIMARY KEY,
  version    INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS hg_sessions (
  id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  attributes   BYTEA            NOT NULL,
  created_at   BIGINT           NOT NULL,
  accessed_at  BIGINT           NOT NULL,
  expires_at   BIGINT           NOT NULL,
  version      BIGINT           NOT NULL
);

CREATE INDEX IF NOT EXISTS hg_sessions_expires_at ON hg_sessions (expires_at);

CREATE TABLE IF NOT EXISTS hg_streams (
  id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  metadata       BYTEA            NOT NULL,
  status         SMALLINT         NOT NULL,
  reason         TEXT             NULL,
  message_count  BIGINT           NOT NULL,
  created_at     BIGINT           NOT NULL,
  expires_at     BIGINT           NOT NULL
);

CREATE INDEX IF NOT EXISTS hg_streams_expires_at ON hg_streams (expires_at);

CREATE TABLE IF NOT EXISTS hg_stream_messages (
  stream_id   TEXT COLLATE "C" NOT NULL,
  seq         BIGINT           NOT NULL,
  payload     BYTEA            NOT NULL,
  created_at  BIGINT           NOT NULL,
  PRIMARY KEY (stream_id, seq)
);

CREATE TABLE IF NOT EXISTS hg_stream_readers (
  stream_id  TEXT COLLATE "C" NOT NULL,
  reader     TEXT COLLATE "C" NOT NULL,
  marker     BIGINT           NOT NULL,
  lease_seq   BIGINT           NOT NULL DEFAULT 0,
  lease_until BIGINT           NOT NULL DEFAULT 0,
  PRIMARY KEY (stream_id, reader)
);

-- Acknowledged reads (version 3): the message a reader leased (lease_seq) and until when; added to
-- tables created before.
ALTER TABLE hg_stream_readers ADD COLUMN IF NOT EXISTS lease_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE hg_stream_readers ADD COLUMN IF NOT EXISTS lease_until BIGINT NOT NULL DEFAULT 0;

CREATE TABLE IF NOT EXISTS hg_leases (
  name      TEXT   NOT NULL PRIMARY KEY,
  owner     TEXT   NOT NULL,
  until_ms  BIGINT NOT NULL
);

-- Limiter state (version 2): one row per limiter key, the state's bytes as the store encodes them.
CREATE TABLE IF NOT EXISTS hg_limiters (
  id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  state       BYTEA            NOT NULL,
  expires_at  BIGINT           NOT NULL
);

CREATE INDEX IF NOT EXISTS hg_limiters_expires_at ON hg_limiters (expires_at);

-- Session index (version 3): a row per session and indexed attribute (a name starting "index:"),
-- keyed by the SHA-256 of the attribute's name and value. Written in the transaction of the write
-- that sets the value; removed with the session. A lookup reads each session it finds and keeps
-- those that hold the value now, so a row left by a later write costs a read, never a wrong answer.
CREATE TABLE IF NOT EXISTS hg_session_index (
  digest  BYTEA            NOT NULL,
  id      TEXT COLLATE "C" NOT NULL REFERENCES hg_sessions (id) ON DELETE CASCADE,
  name    TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (digest, id)
);

CREATE INDEX IF NOT EXISTS hg_session_index_id ON hg_session_index (id, name);

INSERT INTO hg_leases (name, owner, until_ms) VALUES ('sweeper', '', 0) ON CONFLICT DO NOTHING;

INSERT INTO hg_schema_version (component, version) VALUES ('hourglass', 3)
  ON CONFLICT (component) DO UPDATE SET version = GREATEST(hg_schema_version.version, 3);
