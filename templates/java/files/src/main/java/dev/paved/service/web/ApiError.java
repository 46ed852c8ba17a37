package dev.paved.service.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The one error body every endpoint returns: {"error": {"code", "message", "requestId",
 * "details"?}}.
 *
 * @param error the error
 */
public record ApiError(Body error) {

  /** The error codes clients can rely on. */
  public enum Code {
    /** The request was malformed or a field was not allowed (400). */
    validation_failed,
    /** No such route or resource (404). */
    not_found,
    /** An unexpected failure on our side (500). */
    internal
  }

  /**
   * The content of an error.
   *
   * @param code a stable, machine-readable code
   * @param message a human-readable explanation
   * @param requestId the request id, to find the matching log lines
   * @param details per-field problems, for validation errors only
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Body(Code code, String message, String requestId, List<Detail> details) {}

  /**
   * One problem with one field.
   *
   * @param field the field's path in the request body
   * @param message what is wrong with it
   */
  public record Detail(String field, String message) {}

  /**
   * Creates an error without details.
   *
   * @param code the code
   * @param message the message
   * @param requestId the request id
   * @return the error body
   */
  public static ApiError of(Code code, String message, String requestId) {
    return new ApiError(new Body(code, message, requestId, null));
  }
}
