package dev.paved.service;

import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The container's HEALTHCHECK runs this (the runtime image has no curl): exit 0 when /healthz
 * answers 200 within two seconds, 1 otherwise. It loads no Spring class, so it starts in a fraction
 * of a second with a tiny heap.
 */
public final class HealthCheck {

    private HealthCheck() {}

    /**
     * Probes the local service.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        String port =
                System.getenv().getOrDefault("PORT", Integer.toString(Application.DEFAULT_PORT));
        int status;
        try {
            HttpURLConnection connection =
                    (HttpURLConnection)
                            URI.create("http://127.0.0.1:" + port + "/healthz")
                                    .toURL()
                                    .openConnection();
            connection.setConnectTimeout(2_000);
            connection.setReadTimeout(2_000);
            status = connection.getResponseCode();
            connection.disconnect();
        } catch (java.io.IOException | IllegalArgumentException e) {
            status = -1;
        }
        System.exit(status == 200 ? 0 : 1);
    }
}
