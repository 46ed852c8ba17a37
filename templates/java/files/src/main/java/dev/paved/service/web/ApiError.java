package dev.paved.service.web;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The one error body every endpoint returns, whatever the status code, so clients need a single
 * parser and operators can find the matching log line by requestId: {"error": {"code", "message",
 * "requestId", "details"?}}.
 *
 * @param error the error
 */
public record ApiError(Body error) {

    /**
     * The content of an error.
     *
     * @param code a stable, machine-readable code such as validation_failed or not_found
     * @param message a human-readable explanation
     * @param requestId the request id, to find the matching log lines
     * @param details one entry per offending input, for validation errors only
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Body(String code, String message, String requestId, List<Detail> details) {}

    /**
     * One problem with one input.
     *
     * @param path a JSON pointer to the offending input, e.g. /body/name
     * @param message what is wrong with it
     */
    public record Detail(String path, String message) {}
}
