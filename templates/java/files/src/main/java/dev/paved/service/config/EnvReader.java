package dev.paved.service.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads environment variables and collects every problem, so one start-up reports them all. Each
 * configuration record (EnvConfig and those of the service's features) reads through one.
 */
final class EnvReader {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    EnvReader(Map<String, String> env) {
        this.env = env;
    }

    /** Stops with every problem found so far, if there is one. */
    void throwIfProblems() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Records a problem found by the caller's own rule. */
    void problem(String key, String rule) {
        problems.add(key + ": " + rule);
    }

    String raw(String key) {
        String value = env.get(key);
        return value == null || value.isBlank() ? null : value.trim();
    }

    int integer(String key, int fallback, int min, int max) {
        String raw = raw(key);
        if (raw == null) {
            return fallback;
        }
        if (raw.matches("\\d{1,9}")) {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        }
        problems.add(key + ": must be a whole number from " + min + " to " + max + got(raw));
        return fallback;
    }

    String oneOf(String key, String fallback, List<String> allowed) {
        String raw = raw(key);
        if (raw == null) {
            return fallback;
        }
        String value = raw.toLowerCase(Locale.ROOT);
        if (allowed.contains(value)) {
            return value;
        }
        problems.add(key + ": must be one of " + String.join(", ", allowed) + got(raw));
        return fallback;
    }

    String matching(String key, String fallback, Pattern pattern, String rule) {
        String raw = raw(key);
        if (raw == null) {
            return fallback;
        }
        if (pattern.matcher(raw).matches()) {
            return raw;
        }
        problems.add(key + ": " + rule + got(raw));
        return fallback;
    }

    String httpUrl(String key) {
        String raw = raw(key);
        if (raw == null || raw.matches("^https?://[^\\s/?#]+(/\\S*)?$")) {
            return raw;
        }
        problems.add(key + ": must be a URL starting with http:// or https://" + got(raw));
        return null;
    }

    /** Echoes the bad value on one short line. */
    private static String got(String raw) {
        String oneLine = raw.replaceAll("\\p{Cntrl}", "?");
        String shown = oneLine.length() > 64 ? oneLine.substring(0, 64) + "..." : oneLine;
        return " (got \"" + shown.replace("\"", "\\\"") + "\")";
    }
}
