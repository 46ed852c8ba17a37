package dev.paved.service.data;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;

/**
 * The readiness check "database": SELECT 1 with a short timeout. It is in the readiness group
 * only (application.yaml), never liveness: a database outage must stop traffic to the replicas,
 * not restart them all.
 */
@Component
public class DatabaseHealthIndicator implements HealthIndicator {

    private static final int QUERY_TIMEOUT_SECONDS = 2;

    private final JdbcTemplate jdbc;

    /**
     * Creates the check.
     *
     * @param dataSource the pool to ask
     */
    public DatabaseHealthIndicator(DataSource dataSource) {
        jdbc = new JdbcTemplate(dataSource);
        jdbc.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
    }

    @Override
    public Health health() {
        try {
            jdbc.queryForObject("SELECT 1", Integer.class);
            return Health.up().build();
        } catch (RuntimeException e) {
            // The reason goes to the health details, not to /readyz: no connection string leaks.
            return Health.down(e).build();
        }
    }
}
