package dev.paved.service.web;

import dev.paved.service.web.ApiError.Code;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers errors raised outside the MVC handlers (for example by the servlet container), so that
 * they too carry the one error body instead of Spring's default.
 */
@RestController
public class FallbackErrorController implements ErrorController {

  @RequestMapping("${server.error.path:/error}")
  ResponseEntity<ApiError> error(HttpServletRequest req) {
    Object raw = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = raw instanceof Integer i ? i : 500;
    Code code =
        status == 404 ? Code.not_found : status < 500 ? Code.validation_failed : Code.internal;
    String message = status < 500 ? HttpStatus.valueOf(status).getReasonPhrase() : "internal error";
    ApiError body = ApiError.of(code, message, RequestIdFilter.idOf(req));
    return ResponseEntity.status(status).body(body);
  }
}
