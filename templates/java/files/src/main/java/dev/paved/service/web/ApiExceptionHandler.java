package dev.paved.service.web;

import dev.paved.service.items.ItemNotFoundException;
import dev.paved.service.web.ApiError.Detail;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.NoHandlerFoundException;

import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Maps every exception a handler can throw to the one error body. */
@RestControllerAdvice
public class ApiExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ApiExceptionHandler.class);

    private static final String INVALID = "The request is not valid.";

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<ApiError> invalidFields(
            MethodArgumentNotValidException e, HttpServletRequest req) {
        List<Detail> details =
                e.getBindingResult().getFieldErrors().stream()
                        .map(
                                f ->
                                        new Detail(
                                                JsonPointer.ofBeanPath(f.getField()),
                                                f.getDefaultMessage()))
                        .sorted(Comparator.comparing(Detail::path).thenComparing(Detail::message))
                        .toList();
        return respond(HttpStatus.BAD_REQUEST, ErrorCodes.VALIDATION_FAILED, INVALID, details, req);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiError> unreadableBody(
            HttpMessageNotReadableException e, HttpServletRequest req) {
        // JSON that parses but has the wrong shape is a validation error with a pointer to the
        // offending property; anything else (broken JSON, no body) is a plain bad request.
        if (e.getCause() instanceof DatabindException shape) {
            return respond(
                    HttpStatus.BAD_REQUEST,
                    ErrorCodes.VALIDATION_FAILED,
                    INVALID,
                    List.of(detailOf(shape)),
                    req);
        }
        return respond(
                HttpStatus.BAD_REQUEST,
                ErrorCodes.forStatus(400),
                "The request body must be a JSON object.",
                null,
                req);
    }

    @ExceptionHandler(ItemNotFoundException.class)
    ResponseEntity<ApiError> itemNotFound(ItemNotFoundException e, HttpServletRequest req) {
        return respond(HttpStatus.NOT_FOUND, ErrorCodes.NOT_FOUND, e.getMessage(), null, req);
    }

    // An unknown path, or a known path with another method, is simply a route that does not
    // exist, as in the other Paved services.
    @ExceptionHandler({NoHandlerFoundException.class, HttpRequestMethodNotSupportedException.class})
    ResponseEntity<ApiError> noRoute(HttpServletRequest req) {
        String message = "No route for " + req.getMethod() + " " + req.getRequestURI() + ".";
        return respond(HttpStatus.NOT_FOUND, ErrorCodes.NOT_FOUND, message, null, req);
    }

    // Spring's other client errors (wrong content type, missing parameter, ...) carry a status
    // and a message that describes the input; both are safe to return. Anything else is a bug or
    // an outage: log it in full, tell the client nothing internal.
    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiError> otherError(Exception e, HttpServletRequest req) {
        if (e instanceof ErrorResponse framework && framework.getStatusCode().is4xxClientError()) {
            HttpStatus status = HttpStatus.valueOf(framework.getStatusCode().value());
            String detail = framework.getBody().getDetail();
            String message = detail == null ? status.getReasonPhrase() + "." : detail;
            return respond(status, ErrorCodes.forStatus(status.value()), message, null, req);
        }
        LOG.error("unhandled error", e);
        return respond(
                HttpStatus.INTERNAL_SERVER_ERROR,
                ErrorCodes.INTERNAL_ERROR,
                "An internal error occurred.",
                null,
                req);
    }

    private static Detail detailOf(DatabindException e) {
        List<String> path = new ArrayList<>();
        for (var ref : e.getPath()) {
            String name = ref.getPropertyName();
            path.add(name != null ? name : Integer.toString(ref.getIndex()));
        }
        String message =
                e instanceof UnrecognizedPropertyException unknown
                        ? "must not have property '" + unknown.getPropertyName() + "'"
                        : "has the wrong type";
        return new Detail(JsonPointer.of(path), message);
    }

    static ResponseEntity<ApiError> respond(
            HttpStatus status,
            String code,
            String message,
            List<Detail> details,
            HttpServletRequest req) {
        String requestId = RequestIdFilter.idOf(req);
        return ResponseEntity.status(status)
                .body(new ApiError(new ApiError.Body(code, message, requestId, details)));
    }
}
