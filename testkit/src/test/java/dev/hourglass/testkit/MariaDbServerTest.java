package dev.hourglass.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class MariaDbServerTest {

    @AfterAll
    static void noLeaks() {
        Leaks.assertNoChildProcesses();
    }

    @Test
    void answersKeepsCommittedDataAcrossKillAndReleasesEverythingOnClose() {
        MariaDbServer db = MariaDbServer.start();
        int port = db.port();
        try (db) {
            assertEquals("jdbc:mysql://127.0.0.1:" + port + "/hourglass", db.jdbcUrl());
            assertEquals("root", db.user());
            assertEquals("", db.password());
            assertEquals("1", db.sql("select 1"));
            assertEquals("hourglass\tutf8mb4", db.sql("select database(), @@character_set_database"));
            db.sql("create table t (id int primary key, name varchar(10)) engine=InnoDB");
            db.sql("insert into t values (1, 'a'), (2, null)");
            assertEquals("1\ta\n2\tNULL", db.sql("select id, name from t order by id"));
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> db.sql("select nope"));
            assertTrue(error.getMessage().contains("Unknown column"), error.getMessage());

            db.kill();
            assertFalse(db.isRunning());
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
        Leaks.assertReleased(port, "hourglass-mariadb-");
        assertThrows(IllegalStateException.class, db::restart);
    }

    @Test
    void concurrentServersAreIndependent() {
        CompletableFuture<MariaDbServer> first = CompletableFuture.supplyAsync(MariaDbServer::start);
        CompletableFuture<MariaDbServer> second = CompletableFuture.supplyAsync(MariaDbServer::start);
        try (MariaDbServer a = first.join();
                MariaDbServer b = second.join()) {
            assertNotEquals(a.port(), b.port());
            a.sql("create table only_in_a (id int)");
            assertEquals("only_in_a", a.sql("show tables"));
            assertEquals("", b.sql("show tables"));
        }
    }
}
