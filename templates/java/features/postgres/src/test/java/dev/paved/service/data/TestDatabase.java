package dev.paved.service.data;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.paved.service.config.DatabaseConfig;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.UUID;

/**
 * A schema of its own in the PostgreSQL named by DATABASE_URL, for one test class: its tables
 * cannot meet those of another test (or of the application context the HTTP tests start), and it
 * is dropped at the end.
 */
public final class TestDatabase implements AutoCloseable {

    private final String schema = "test_" + UUID.randomUUID().toString().replace("-", "");
    private final HikariDataSource admin;
    private final HikariDataSource dataSource;

    private TestDatabase(Integer poolMax) {
        DatabaseConfig config = DatabaseConfig.fromEnvironment(System.getenv());
        admin = DatabaseConfiguration.pool(config, "test-admin");
        JdbcClient.create(admin).sql("CREATE SCHEMA " + schema).update();
        HikariConfig own = DatabaseConfiguration.poolConfig(config, "test");
        if (poolMax != null) {
            own.setMaximumPoolSize(poolMax);
        }
        own.setSchema(schema);
        dataSource = new HikariDataSource(own);
    }

    /**
     * An empty schema, without migrations.
     *
     * @return the database
     */
    public static TestDatabase empty() {
        return new TestDatabase(null);
    }

    /**
     * A schema migrated like the service's own at start-up.
     *
     * @return the database
     */
    public static TestDatabase migrated() {
        return migrated(null);
    }

    /**
     * A migrated schema whose pool has a given size.
     *
     * @param poolMax the pool's size, or null for DATABASE_POOL_MAX
     * @return the database
     */
    public static TestDatabase migrated(Integer poolMax) {
        TestDatabase db = new TestDatabase(poolMax);
        db.flyway().migrate();
        return db;
    }

    /**
     * Flyway over this schema, with the service's migrations.
     *
     * @return a configured Flyway
     */
    public Flyway flyway() {
        return Flyway.configure().dataSource(dataSource).schemas(schema).load();
    }

    /**
     * The pool, whose connections use this schema.
     *
     * @return the pool
     */
    public HikariDataSource dataSource() {
        return dataSource;
    }

    /**
     * A client over the pool.
     *
     * @return the client
     */
    public JdbcClient jdbc() {
        return JdbcClient.create(dataSource);
    }

    @Override
    public void close() {
        dataSource.close();
        JdbcClient.create(admin).sql("DROP SCHEMA " + schema + " CASCADE").update();
        admin.close();
    }
}
