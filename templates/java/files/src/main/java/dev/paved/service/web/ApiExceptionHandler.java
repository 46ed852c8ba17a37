package dev.paved.service.web;

import dev.paved.service.items.ItemNotFoundException;
import dev.paved.service.web.ApiError.Code;
import dev.paved.service.web.ApiError.Detail;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Maps every exception a handler can throw to the one error body. */
@RestControllerAdvice
public class ApiExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ApiExceptionHandler.class);

  @ExceptionHandler(MethodArgumentNotValidException.class)
  ResponseEntity<ApiError> invalidBody(MethodArgumentNotValidException e, HttpServletRequest req) {
    List<Detail> details =
        e.getBindingResult().getFieldErrors().stream()
            .map(f -> new Detail(f.getField(), f.getDefaultMessage()))
            .sorted(Comparator.comparing(Detail::field).thenComparing(Detail::message))
            .toList();
    ApiError body =
        new ApiError(
            new ApiError.Body(
                Code.validation_failed,
                "request body is not valid",
                RequestIdFilter.idOf(req),
                details));
    return ResponseEntity.badRequest().body(body);
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ApiError> unreadableBody(HttpServletRequest req) {
    return error(
        HttpStatus.BAD_REQUEST,
        Code.validation_failed,
        "request body must be a JSON object with the documented fields and types",
        req);
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<ApiError> wrongMediaType(HttpServletRequest req) {
    return error(
        HttpStatus.BAD_REQUEST,
        Code.validation_failed,
        "request body must be JSON, sent with Content-Type: application/json",
        req);
  }

  @ExceptionHandler(ItemNotFoundException.class)
  ResponseEntity<ApiError> itemNotFound(ItemNotFoundException e, HttpServletRequest req) {
    return error(HttpStatus.NOT_FOUND, Code.not_found, e.getMessage(), req);
  }

  @ExceptionHandler({
    NoHandlerFoundException.class,
    NoResourceFoundException.class,
    HttpRequestMethodNotSupportedException.class
  })
  ResponseEntity<ApiError> noRoute(HttpServletRequest req) {
    return error(
        HttpStatus.NOT_FOUND,
        Code.not_found,
        "no route for " + req.getMethod() + " " + req.getRequestURI(),
        req);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ApiError> unexpected(Exception e, HttpServletRequest req) {
    LOG.error("unhandled error", e);
    return error(HttpStatus.INTERNAL_SERVER_ERROR, Code.internal, "internal error", req);
  }

  private static ResponseEntity<ApiError> error(
      HttpStatus status, Code code, String message, HttpServletRequest req) {
    ApiError body = ApiError.of(code, message, RequestIdFilter.idOf(req));
    return ResponseEntity.status(status).body(body);
  }
}
