package dev.paved.service.data;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.paved.service.config.DatabaseConfig;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

/**
 * The connection pool, built from DATABASE_URL and friends (DatabaseConfig) instead of Spring's
 * spring.datasource.* properties, so the service takes the same variables as every Paved service.
 * Spring Boot's JDBC, transaction and Flyway auto-configuration use this DataSource: Flyway
 * migrates while the context starts, before the web server listens.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

    /** How long a request waits for a connection before it fails, instead of queueing forever. */
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    /**
     * The settings; main() has already refused to start with a bad value, so this only reads
     * them again (tests get them from the same environment).
     *
     * @return the database settings
     */
    @Bean
    DatabaseConfig databaseConfig() {
        return DatabaseConfig.fromEnvironment(System.getenv());
    }

    /**
     * One pool per process, closed when the context closes (after the web server has drained).
     *
     * @param config the database settings
     * @return the pool
     */
    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(DatabaseConfig config) {
        return pool(config, "db");
    }

    /**
     * Builds a pool.
     *
     * @param config the database settings
     * @param name the pool's name in logs and metrics
     * @return a new, started pool
     */
    public static HikariDataSource pool(DatabaseConfig config, String name) {
        return new HikariDataSource(poolConfig(config, name));
    }

    /**
     * The pool's settings; tests add to them (a schema of their own) before starting one.
     *
     * @param config the database settings
     * @param name the pool's name in logs and metrics
     * @return the settings of a pool
     */
    public static HikariConfig poolConfig(DatabaseConfig config, String name) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.poolMax());
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        return hikari;
    }
}
