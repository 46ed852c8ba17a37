import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

// Every error the service returns has this one shape, whatever the status code, so clients
// need a single parser and operators can find the matching log line by requestId.
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    requestId: string;
    details?: ErrorDetail[];
  };
}

export interface ErrorDetail {
  /** JSON pointer to the offending input, e.g. "/body/name". */
  path: string;
  message: string;
}

/** An error a handler throws on purpose: it becomes a response with this status and code. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details: ErrorDetail[] | undefined;

  constructor(statusCode: number, code: string, message: string, details?: ErrorDetail[]) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = details;
  }
}

const CODES_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

export function errorBody(requestId: string, code: string, message: string, details?: ErrorDetail[]): ErrorBody {
  return { error: { code, message, requestId, ...(details ? { details } : {}) } };
}

function validationDetails(error: FastifyError): ErrorDetail[] {
  return (error.validation ?? []).map((issue) => {
    const missing = issue.params['missingProperty'];
    const extra = issue.params['additionalProperty'];
    const property = typeof missing === 'string' ? missing : typeof extra === 'string' ? extra : undefined;
    const base = `/${error.validationContext ?? 'body'}${issue.instancePath}`;
    return {
      path: property === undefined ? base : `${base}/${property}`,
      message: typeof extra === 'string' ? `must not have property '${extra}'` : (issue.message ?? 'is invalid'),
    };
  });
}

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error.validation) {
      return reply.status(400).send(
        errorBody(request.id, 'validation_failed', 'The request is not valid.', validationDetails(error)),
      );
    }
    if (error instanceof HttpError) {
      return reply.status(error.statusCode).send(errorBody(request.id, error.code, error.message, error.details));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (bad JSON, wrong content type, body too large): their
      // messages describe the input and are safe to return.
      return reply.status(status).send(errorBody(request.id, CODES_BY_STATUS[status] ?? 'bad_request', error.message));
    }
    // Anything else is a bug or an outage: log it in full, tell the client nothing internal.
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(errorBody(request.id, 'internal_error', 'An internal error occurred.'));
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    return reply
      .status(404)
      .send(errorBody(request.id, 'not_found', `No route for ${request.method} ${request.url.split('?')[0] ?? ''}.`));
  });
}
