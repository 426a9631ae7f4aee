package dev.hourglass.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class PostgresServerTest {

    @AfterAll
    static void noLeaks() {
        Leaks.assertNoChildProcesses();
    }

    @Test
    void answersKeepsCommittedDataAcrossKillAndReleasesEverythingOnClose() {
        PostgresServer db = PostgresServer.start();
        int port = db.port();
        try (db) {
            assertEquals("jdbc:postgresql://127.0.0.1:" + port + "/hourglass?user=postgres", db.jdbcUrl());
            assertEquals("postgres", db.user());
            assertEquals("1", db.sql("select 1"));
            assertEquals(
                    "hourglass\tUTF8",
                    db.sql("select datname, pg_encoding_to_char(encoding) from pg_database"
                            + " where datname = current_database()"));
            db.sql("create table t (id int primary key, name text)");
            db.sql("insert into t values (1, 'a'), (2, null)");
            assertEquals("1\ta\n2\t", db.sql("select id, name from t order by id"));
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> db.sql("select nope"));
            assertTrue(error.getMessage().contains("column \"nope\" does not exist"), error.getMessage());

            List<ProcessHandle> serverProcesses =
                    ProcessHandle.current().descendants().toList();
            assertTrue(serverProcesses.size() > 1, "postmaster and its children: " + serverProcesses);
            db.kill();
            assertFalse(db.isRunning());
            for (ProcessHandle process : serverProcesses) {
                assertTrue(Processes.isGone(process), "process " + process.pid() + " survived the kill");
            }
            assertThrows(IllegalStateException.class, () -> db.sql("select 1"));

            db.restart();
            assertTrue(db.isRunning());
            assertEquals("2", db.sql("select count(*) from t"));

            db.stop();
            assertFalse(db.isRunning());
            db.restart();
            assertEquals("2", db.sql("select count(*) from t"));
        }
        assertFalse(db.isRunning());
        Leaks.assertReleased(port, "hourglass-postgres-");
        assertThrows(IllegalStateException.class, db::restart);
    }
}
