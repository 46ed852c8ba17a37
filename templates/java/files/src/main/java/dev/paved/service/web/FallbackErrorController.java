package dev.paved.service.web;

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
        HttpStatus status = HttpStatus.resolve(raw instanceof Integer i ? i : 500);
        if (status == null || !status.isError()) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        String message =
                status.is5xxServerError()
                        ? "An internal error occurred."
                        : status.getReasonPhrase() + ".";
        return ApiExceptionHandler.respond(
                status, ErrorCodes.forStatus(status.value()), message, null, req);
    }
}
