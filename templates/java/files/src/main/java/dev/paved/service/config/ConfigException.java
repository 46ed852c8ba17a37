package dev.paved.service.config;

import java.util.List;

/** One or more configuration values from the environment are not allowed. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Each problem: the variable, what is allowed and what was given. */
    private final List<String> problems;

    /**
     * Creates the exception.
     *
     * @param problems one line per bad variable
     */
    public ConfigException(List<String> problems) {
        super("Invalid configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * The problems found.
     *
     * @return one line per bad variable
     */
    public List<String> problems() {
        return problems;
    }
}
