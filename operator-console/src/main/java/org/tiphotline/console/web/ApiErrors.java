package org.tiphotline.console.web;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.tiphotline.calls.UnknownCall;
import org.tiphotline.intake.InvalidField;
import org.tiphotline.intake.ReportAlreadySubmitted;
import org.tiphotline.intake.ReportNotFound;

/**
 * Every refusal as {@code {"error": ..., "message": ..., "fields": {...}}} with the right 4xx status.
 * Messages say what is wrong with the input, never echo it (it may be personal data).
 */
@RestControllerAdvice
class ApiErrors {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler(InvalidField.class)
    ResponseEntity<Map<String, Object>> invalidField(InvalidField e) {
        return body(HttpStatus.BAD_REQUEST, "invalid_field", "some fields are not valid", e.problems());
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<Map<String, Object>> invalidBody(MethodArgumentNotValidException e) {
        Map<String, String> fields = new LinkedHashMap<>();
        e.getBindingResult().getFieldErrors().forEach(f -> fields.put(f.getField(), f.getDefaultMessage()));
        return body(HttpStatus.BAD_REQUEST, "invalid_request", "the request has invalid fields", fields);
    }

    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<Map<String, Object>> invalidParameters(HandlerMethodValidationException e) {
        return body(HttpStatus.BAD_REQUEST, "invalid_request", "the request has invalid parameters", Map.of());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
        if (e.getMostSpecificCause() instanceof PlainText.BadText bad) {
            return body(HttpStatus.BAD_REQUEST, "invalid_text", "'" + bad.field() + "' " + bad.problem(),
                    Map.of(bad.field(), bad.problem()));
        }
        log.debug("unreadable body: {}", e.getMostSpecificCause().getClass().getName());
        return body(HttpStatus.BAD_REQUEST, "unreadable", "the request body is missing or is not the expected JSON",
                Map.of());
    }

    @ExceptionHandler({MethodArgumentTypeMismatchException.class, MissingServletRequestParameterException.class})
    ResponseEntity<Map<String, Object>> badParameter(Exception e) {
        String name = e instanceof MethodArgumentTypeMismatchException m ? m.getName()
                : ((MissingServletRequestParameterException) e).getParameterName();
        if (e instanceof MethodArgumentTypeMismatchException m && m.getMostSpecificCause().getMessage() != null
                && m.getMostSpecificCause().getMessage().startsWith(PlainTextParameters.PROBLEM)) {
            String problem = m.getMostSpecificCause().getMessage();
            return body(HttpStatus.BAD_REQUEST, "invalid_text", "parameter '" + name + "' " + problem,
                    Map.of(name, problem));
        }
        return body(HttpStatus.BAD_REQUEST, "invalid_parameter", "parameter '" + name + "' is missing or malformed",
                Map.of());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, Object>> illegalArgument(IllegalArgumentException e) {
        return body(HttpStatus.BAD_REQUEST, "invalid_request", e.getMessage(), Map.of());
    }

    @ExceptionHandler({ReportNotFound.class, UnknownCall.class, NoResourceFoundException.class,
            org.tiphotline.escalation.EscalationNotFound.class, org.tiphotline.registry.CaseNotFound.class,
            org.tiphotline.exports.ExportRequestNotFound.class, org.tiphotline.accounts.AccountNotFound.class,
            org.tiphotline.callers.CallerFlagNotFound.class,
            org.tiphotline.callbacks.CallbackTaskNotFound.class,
            org.tiphotline.retention.RetentionBatchNotFound.class})
    ResponseEntity<Map<String, Object>> notFound(Exception e) {
        return body(HttpStatus.NOT_FOUND, "not_found", e instanceof NoResourceFoundException ? "no such resource"
                : e.getMessage(), Map.of());
    }

    @ExceptionHandler(SecurityException.class)
    ResponseEntity<Map<String, Object>> forbidden(SecurityException e) {
        return body(HttpStatus.FORBIDDEN, "forbidden", e.getMessage(), Map.of());
    }

    @ExceptionHandler({ReportAlreadySubmitted.class, IllegalStateException.class})
    ResponseEntity<Map<String, Object>> conflict(RuntimeException e) {
        return body(HttpStatus.CONFLICT, "conflict", e.getMessage(), Map.of());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Map<String, Object>> method(HttpRequestMethodNotSupportedException e) {
        return body(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed", e.getMessage(), Map.of());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Map<String, Object>> mediaType(HttpMediaTypeNotSupportedException e) {
        return body(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "send application/json", Map.of());
    }

    @ExceptionHandler(org.tiphotline.registry.Documents.UnsupportedDocument.class)
    ResponseEntity<Map<String, Object>> unsupportedDocument(RuntimeException e) {
        return body(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_document", e.getMessage(), Map.of());
    }

    @ExceptionHandler(PayloadTooLarge.class)
    ResponseEntity<Map<String, Object>> tooLarge(PayloadTooLarge e) {
        return body(HttpStatus.CONTENT_TOO_LARGE, "too_large", e.getMessage(), Map.of());
    }

    /** Anything unforeseen is our fault: logged by type only (never the data), answered without details. */
    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<Map<String, Object>> unexpected(RuntimeException e) {
        log.error("unexpected failure: {}", e.getClass().getName(), e);
        return body(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "the server failed; nothing was stored",
                Map.of());
    }

    private static ResponseEntity<Map<String, Object>> body(HttpStatus status, String error, String message,
            Map<String, String> fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        if (!fields.isEmpty()) {
            body.put("fields", fields);
        }
        return ResponseEntity.status(status).body(body);
    }
}
