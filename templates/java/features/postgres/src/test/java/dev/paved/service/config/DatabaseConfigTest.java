package dev.paved.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.Map;

class DatabaseConfigTest {

    @Test
    void turnsTheUrlIntoAJdbcUrlWithoutCredentials() {
        DatabaseConfig config =
                DatabaseConfig.fromEnvironment(
                        Map.of("DATABASE_URL", "postgres://orders:s3cret@db.local:5433/orders"));
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:5433/orders");
        assertThat(config.user()).isEqualTo("orders");
        assertThat(config.password()).isEqualTo("s3cret");
        assertThat(config.poolMax()).isEqualTo(DatabaseConfig.DEFAULT_POOL_MAX);
    }

    @Test
    void keepsQueryParametersAndTheDefaultPort() {
        DatabaseConfig config =
                DatabaseConfig.fromEnvironment(
                        Map.of("DATABASE_URL", "postgresql://app@db/orders?sslmode=require"));
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db/orders?sslmode=require");
        assertThat(config.password()).isNull();
    }

    @Test
    void thePasswordVariableReplacesTheUrlsAndIsNeverShown() {
        DatabaseConfig config =
                DatabaseConfig.fromEnvironment(
                        Map.of(
                                "DATABASE_URL", "postgres://app:old@db/orders",
                                "DATABASE_PASSWORD", "from-secret",
                                "DATABASE_POOL_MAX", "25"));
        assertThat(config.password()).isEqualTo("from-secret");
        assertThat(config.poolMax()).isEqualTo(25);
        assertThat(config.toString()).doesNotContain("from-secret").doesNotContain("old");
    }

    @Test
    void takesCredentialsOutOfTheQuery() {
        DatabaseConfig config =
                DatabaseConfig.fromEnvironment(
                        Map.of(
                                "DATABASE_URL",
                                "postgres://db/orders?user=app&password=s3cret&sslmode=require"));
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db/orders?sslmode=require");
        assertThat(config.user()).isEqualTo("app");
        assertThat(config.password()).isEqualTo("s3cret");
    }

    @Test
    void decodesPercentEncodedCredentials() {
        DatabaseConfig config =
                DatabaseConfig.fromEnvironment(
                        Map.of("DATABASE_URL", "postgres://app%40x:p%3Aw+d@db/orders"));
        assertThat(config.user()).isEqualTo("app@x");
        assertThat(config.password()).isEqualTo("p:w+d");
    }

    @Test
    void requiresTheUrl() {
        assertThatThrownBy(() -> DatabaseConfig.fromEnvironment(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DATABASE_URL: is required");
    }

    @Test
    void rejectsBadValuesNamingTheVariableWithoutEchoingTheUrl() {
        for (String url :
                new String[] {
                    "mysql://app:hunter2@db/orders",
                    "postgres:///orders?password=hunter2",
                    "postgres://app:hunter2@db:port/orders",
                    "not a url hunter2",
                }) {
            assertThatThrownBy(() -> DatabaseConfig.fromEnvironment(Map.of("DATABASE_URL", url)))
                    .as(url)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("DATABASE_URL: must be a postgres://")
                    .hasMessageNotContaining("hunter2");
        }
        for (String size : new String[] {"0", "101", "ten"}) {
            assertThatThrownBy(
                            () ->
                                    DatabaseConfig.fromEnvironment(
                                            Map.of(
                                                    "DATABASE_URL", "postgres://app@db/orders",
                                                    "DATABASE_POOL_MAX", size)))
                    .as(size)
                    .hasMessageContaining("DATABASE_POOL_MAX: must be a whole number from 1 to");
        }
    }
}
