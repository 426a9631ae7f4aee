-- Hourglass store schema, version 3, for MySQL 8.0+ and MariaDB 10.6+ (InnoDB).
--
-- The store creates these tables on first open when they are absent. To apply it by hand
-- (for example when the store's database user may not run DDL), run this file in the target
-- database; with a tablePrefix other than hg_, replace every "hg_" first.
--
-- Times are epoch milliseconds. Ids, readers and stream ids are UTF-8 bytes compared byte by
-- byte (VARBINARY), so ordering and equality never depend on a collation. A session's version
-- holds its creation time in the high bits and a write counter in the low 21 bits.

CREATE TABLE IF NOT EXISTS hg_schema_version (
  component  VARCHAR(64) NOT NULL,
  version    INT         NOT NULL,
  PRIMARY KEY (component)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS hg_sessions (
  id           VARBINARY(256) NOT NULL,
  attributes   LONGBLOB       NOT NULL,
  created_at   BIGINT         NOT NULL,
  accessed_at  BIGINT         NOT NULL,
  expires_at   BIGINT         NOT NULL,
  version      BIGINT         NOT NULL,
  PRIMARY KEY (id),
  KEY hg_sessions_expires_at (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS hg_streams (
  id             VARBINARY(256) NOT NULL,
  metadata       LONGBLOB       NOT NULL,
  status         TINYINT        NOT NULL,
  reason         TEXT           NULL,
  message_count  BIGINT         NOT NULL,
  created_at     BIGINT         NOT NULL,
  expires_at     BIGINT         NOT NULL,
  PRIMARY KEY (id),
  KEY hg_streams_expires_at (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS hg_stream_messages (
  stream_id   VARBINARY(256) NOT NULL,
  seq         BIGINT         NOT NULL,
  payload     LONGBLOB       NOT NULL,
  created_at  BIGINT         NOT NULL,
  PRIMARY KEY (stream_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS hg_stream_readers (
  stream_id  VARBINARY(256) NOT NULL,
  reader     VARBINARY(256) NOT NULL,
  marker     BIGINT         NOT NULL,
  lease_seq   BIGINT         NOT NULL DEFAULT 0,
  lease_until BIGINT         NOT NULL DEFAULT 0,
  PRIMARY KEY (stream_id, reader)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Acknowledged reads (version 3): the message a reader leased (lease_seq) and until when; added to
-- tables created before. MySQL 8 cannot add a column only when it is missing (MariaDB can), so each
-- column is added by a statement chosen from information_schema: the ALTER when the column is
-- missing, else a no-op.
SET @hg_add = (SELECT IF(COUNT(*) = 0, 'ALTER TABLE hg_stream_readers ADD COLUMN lease_seq BIGINT NOT NULL DEFAULT 0', 'DO 0') FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'hg_stream_readers' AND column_name = 'lease_seq');
PREPARE hg_add_column FROM @hg_add;
EXECUTE hg_add_column;
DEALLOCATE PREPARE hg_add_column;
SET @hg_add = (SELECT IF(COUNT(*) = 0, 'ALTER TABLE hg_stream_readers ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0', 'DO 0') FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'hg_stream_readers' AND column_name = 'lease_until');
PREPARE hg_add_column FROM @hg_add;
EXECUTE hg_add_column;
DEALLOCATE PREPARE hg_add_column;

CREATE TABLE IF NOT EXISTS hg_leases (
  name      VARCHAR(64)  NOT NULL,
  owner     VARCHAR(128) NOT NULL,
  until_ms  BIGINT       NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Limiter state (version 2): one row per limiter key, the state's bytes as the store encodes them.
CREATE TABLE IF NOT EXISTS hg_limiters (
  id          VARBINARY(256) NOT NULL,
  state       MEDIUMBLOB     NOT NULL,
  expires_at  BIGINT         NOT NULL,
  PRIMARY KEY (id),
  KEY hg_limiters_expires_at (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Session index (version 3): a row per session and indexed attribute (a name starting "index:"),
-- keyed by the SHA-256 of the attribute's name and value. Written in the transaction of the write
-- that sets the value; removed with the session. A lookup reads each session it finds and keeps
-- those that hold the value now, so a row left by a later write costs a read, never a wrong answer.
CREATE TABLE IF NOT EXISTS hg_session_index (
  digest  BINARY(32)     NOT NULL,
  id      VARBINARY(256) NOT NULL,
  name    VARBINARY(256) NOT NULL,
  PRIMARY KEY (digest, id),
  KEY hg_session_index_id (id, name),
  CONSTRAINT hg_session_index_session FOREIGN KEY (id) REFERENCES hg_sessions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT IGNORE INTO hg_leases (name, owner, until_ms) VALUES ('sweeper', '', 0);

INSERT INTO hg_schema_version (component, version) VALUES ('hourglass', 3)
  ON DUPLICATE KEY UPDATE version = GREATEST(version, 3);
