package dev.paved.service.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;

/**
 * How to reach PostgreSQL, from DATABASE_URL (a postgres:// URL, as every Paved service takes
 * it), DATABASE_PASSWORD (replaces the URL's password; deploy/ sets it from a Secret) and
 * DATABASE_POOL_MAX. The URL becomes a JDBC URL without credentials: the user and password go to
 * the pool separately, so no log line that shows the URL can show the password.
 *
 * @param jdbcUrl jdbc:postgresql://host:port/database, with the URL's query parameters
 * @param user the user from the URL, or null for the driver's default
 * @param password the password (DATABASE_PASSWORD, else the URL's), or null
 * @param poolMax the connection pool's size
 */
public record DatabaseConfig(String jdbcUrl, String user, String password, int poolMax) {

    /** The pool size used when DATABASE_POOL_MAX is not set. */
    public static final int DEFAULT_POOL_MAX = 10;

    private static final String URL_RULE =
            "must be a postgres:// or postgresql:// URL with a host,"
                    + " e.g. postgres://orders@orders-postgres:5432/orders";

    /**
     * Reads and validates the database settings.
     *
     * @param env the environment variables
     * @return the validated settings
     * @throws ConfigException naming every variable that is missing or not allowed
     */
    public static DatabaseConfig fromEnvironment(Map<String, String> env) {
        EnvReader read = new EnvReader(env);
        DatabaseConfig config = read(read);
        read.throwIfProblems();
        return config;
    }

    static DatabaseConfig read(EnvReader read) {
        int poolMax = read.integer("DATABASE_POOL_MAX", DEFAULT_POOL_MAX, 1, 100);
        String password = read.raw("DATABASE_PASSWORD");
        String raw = read.raw("DATABASE_URL");
        if (raw == null) {
            read.problem("DATABASE_URL", "is required; " + URL_RULE);
            return null;
        }
        // The value is never echoed: it may carry a password.
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            read.problem("DATABASE_URL", URL_RULE);
            return null;
        }
        String scheme = uri.getScheme();
        boolean postgres = "postgres".equals(scheme) || "postgresql".equals(scheme);
        if (!postgres || uri.getHost() == null || uri.getHost().isEmpty()) {
            read.problem("DATABASE_URL", URL_RULE);
            return null;
        }
        String user = null;
        String urlPassword = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            urlPassword = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        // Credentials given as query parameters (libpq allows them) go to the pool too, never
        // into the JDBC URL that Flyway and the driver log.
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        if (uri.getRawQuery() != null) {
            for (String parameter : uri.getRawQuery().split("&")) {
                int equals = parameter.indexOf('=');
                String name = equals < 0 ? parameter : parameter.substring(0, equals);
                String value = equals < 0 ? "" : decode(parameter.substring(equals + 1));
                if ("password".equals(name)) {
                    urlPassword = urlPassword == null ? value : urlPassword;
                } else if ("user".equals(name)) {
                    user = user == null ? value : user;
                } else if (!parameter.isEmpty()) {
                    query.add(parameter);
                }
            }
        }
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = path.isEmpty() ? "/" : path;
        String jdbcUrl = "jdbc:postgresql://" + uri.getHost() + port + database + query;
        return new DatabaseConfig(
                jdbcUrl,
                user == null || user.isEmpty() ? null : user,
                password != null ? password : urlPassword,
                poolMax);
    }

    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Leaves the password out, so logging the record cannot leak it. */
    @Override
    public String toString() {
        return "DatabaseConfig[jdbcUrl="
                + jdbcUrl
                + ", user="
                + user
                + ", password="
                + (password == null ? "none" : "(set)")
                + ", poolMax="
                + poolMax
                + "]";
    }
}
