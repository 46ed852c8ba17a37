package dev.paved.service.web;

import java.util.Map;

/** The error codes clients can rely on, the same in every Paved service. */
public final class ErrorCodes {

    /** A field of the request is missing, of the wrong type or out of range (400). */
    public static final String VALIDATION_FAILED = "validation_failed";

    /** No such route or resource (404). */
    public static final String NOT_FOUND = "not_found";

    /** An unexpected failure on our side (500). */
    public static final String INTERNAL_ERROR = "internal_error";

    private static final Map<Integer, String> BY_STATUS =
            Map.of(
                    400, "bad_request",
                    404, NOT_FOUND,
                    405, "method_not_allowed",
                    406, "not_acceptable",
                    408, "request_timeout",
                    413, "payload_too_large",
                    415, "unsupported_media_type",
                    429, "too_many_requests");

    private ErrorCodes() {}

    /**
     * The code for a status that has no more specific one.
     *
     * @param status an HTTP status code
     * @return its code
     */
    public static String forStatus(int status) {
        if (status >= 500) {
            return INTERNAL_ERROR;
        }
        return BY_STATUS.getOrDefault(status, "bad_request");
    }
}
