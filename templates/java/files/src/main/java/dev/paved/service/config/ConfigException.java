package dev.paved.service.config;

/** A configuration value from the environment is missing or not allowed. */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, what is allowed and how to fix it
   */
  public ConfigException(String message) {
    super(message);
  }
}
