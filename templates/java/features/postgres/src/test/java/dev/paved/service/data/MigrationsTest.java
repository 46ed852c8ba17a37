package dev.paved.service.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

/** The migrations the service runs at start-up, against the real PostgreSQL (DATABASE_URL). */
class MigrationsTest {

    @Test
    void twoReplicasStartingTogetherMigrateOnce() throws Exception {
        try (TestDatabase db = TestDatabase.empty()) {
            // Both start at the same moment; Flyway's advisory lock makes one wait for the other.
            CyclicBarrier together = new CyclicBarrier(2);
            List<CompletableFuture<MigrateResult>> replicas =
                    List.of(migrate(db, together), migrate(db, together));
            int executed = 0;
            for (CompletableFuture<MigrateResult> replica : replicas) {
                MigrateResult result = replica.get();
                assertThat(result.success).isTrue();
                executed += result.migrationsExecuted;
            }
            int migrations = db.flyway().info().all().length;
            assertThat(migrations).isPositive();
            assertThat(executed).as("each migration ran once").isEqualTo(migrations);
            Integer applied =
                    db.jdbc()
                            .sql(
                                    "SELECT count(*) FROM flyway_schema_history"
                                            + " WHERE success AND version IS NOT NULL")
                            .query(Integer.class)
                            .single();
            assertThat(applied).isEqualTo(migrations);
        }
    }

    @Test
    void migratingAgainChangesNothing() {
        try (TestDatabase db = TestDatabase.migrated()) {
            MigrateResult again = db.flyway().migrate();
            assertThat(again.success).isTrue();
            assertThat(again.migrationsExecuted).isZero();
            assertThat(db.jdbc().sql("SELECT count(*) FROM items").query(Integer.class).single())
                    .isZero();
        }
    }

    private static CompletableFuture<MigrateResult> migrate(
            TestDatabase db, CyclicBarrier together) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        together.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return db.flyway().migrate();
                });
    }
}
