package dev.paved.service.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How to reach RabbitMQ and which names to use, from AMQP_URL, AMQP_PASSWORD (replaces the URL's
 * password; deploy/ sets it from a Secret), EVENTS_EXCHANGE, EVENTS_QUEUE and
 * EVENTS_MAX_ATTEMPTS, the same variables in every Paved service.
 *
 * @param host the broker's host
 * @param port its port (5672, or 5671 for amqps)
 * @param tls whether the URL is amqps://
 * @param virtualHost the virtual host ("/" when the URL has no path)
 * @param user the user from the URL, or null for the client's default
 * @param password the password (AMQP_PASSWORD, else the URL's), or null
 * @param exchange the topic exchange every service publishes to
 * @param queue the queue this service consumes from
 * @param maxAttempts deliveries of one message before it is dead-lettered
 */
public record EventsConfig(
        String host,
        int port,
        boolean tls,
        String virtualHost,
        String user,
        String password,
        String exchange,
        String queue,
        int maxAttempts) {

    /** The exchange used when EVENTS_EXCHANGE is not set. */
    public static final String DEFAULT_EXCHANGE = "events";

    /** The delivery limit used when EVENTS_MAX_ATTEMPTS is not set. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;

    private static final String URL_RULE =
            "must be an amqp:// or amqps:// URL with a host, e.g. amqp://orders@rabbitmq:5672";

    // AMQP short strings; the dead-letter queue's name adds ".dead-letter" to the queue's.
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9._:-]{1,200}$");

    /**
     * Reads and validates the broker settings.
     *
     * @param env the environment variables
     * @param serviceName the queue's name when EVENTS_QUEUE is not set
     * @return the validated settings
     * @throws ConfigException naming every variable that is missing or not allowed
     */
    public static EventsConfig fromEnvironment(Map<String, String> env, String serviceName) {
        EnvReader read = new EnvReader(env);
        String rule = "must be 1 to 200 letters, digits or . _ : -";
        String exchange = read.matching("EVENTS_EXCHANGE", DEFAULT_EXCHANGE, NAME, rule);
        String queue = read.matching("EVENTS_QUEUE", serviceName, NAME, rule);
        int maxAttempts = read.integer("EVENTS_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS, 1, 100);
        String password = read.raw("AMQP_PASSWORD");
        URI uri = url(read);
        read.throwIfProblems();
        boolean tls = "amqps".equals(uri.getScheme());
        String user = null;
        String urlPassword = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            urlPassword = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        // As the AMQP URI spec says: no path is the default virtual host "/", "/%2F" names it too.
        String virtualHost = path.length() <= 1 ? "/" : decode(path.substring(1));
        return new EventsConfig(
                uri.getHost(),
                uri.getPort() >= 0 ? uri.getPort() : tls ? 5671 : 5672,
                tls,
                virtualHost,
                user == null || user.isEmpty() ? null : user,
                password != null ? password : urlPassword,
                exchange,
                queue,
                maxAttempts);
    }

    /** Reads AMQP_URL; never echoes it, as it may carry a password. */
    private static URI url(EnvReader read) {
        String raw = read.raw("AMQP_URL");
        if (raw == null) {
            read.problem("AMQP_URL", "is required; " + URL_RULE);
            return null;
        }
        try {
            URI uri = new URI(raw);
            boolean amqp = "amqp".equals(uri.getScheme()) || "amqps".equals(uri.getScheme());
            if (amqp && uri.getHost() != null && !uri.getHost().isEmpty()) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, like any other bad value
        }
        read.problem("AMQP_URL", URL_RULE);
        return null;
    }

    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * The queue where messages end after EVENTS_MAX_ATTEMPTS deliveries.
     *
     * @return the dead-letter queue's name
     */
    public String deadLetterQueue() {
        return queue + ".dead-letter";
    }

    /** Leaves the password out, so logging the record cannot leak it. */
    @Override
    public String toString() {
        return "EventsConfig[host="
                + host
                + ", port="
                + port
                + ", tls="
                + tls
                + ", virtualHost="
                + virtualHost
                + ", user="
                + user
                + ", password="
                + (password == null ? "none" : "(set)")
                + ", exchange="
                + exchange
                + ", queue="
                + queue
                + ", maxAttempts="
                + maxAttempts
                + "]";
    }
}
