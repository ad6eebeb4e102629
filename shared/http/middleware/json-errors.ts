/**
 * Maps errors to JSON responses: exposed errors (and domain rejections) as they are, a failed
 * dependency or an exhausted conflict retry → 503, anything else a plain 500. A 5xx is logged
 * with the facts of its error (name, code, dependency, operation, HTTP status, attempts), never
 * its message. Results are JSON too, but for a file (a calendar): its own type, as a download.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DependencyError, errorFacts } from '../../adapters/errors';
import { ConflictError } from '../../ports';
import { errorBody, HttpError, type HttpResult, unavailable } from '../errors';
import { asHttpError } from '../rejections';

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

const SAFE_FILE_NAME = /^[A-Za-z0-9._-]{1,100}$/;

export function toApiResult(result: HttpResult): APIGatewayProxyStructuredResultV2 {
  const { file } = result;
  if (file) {
    if (!SAFE_FILE_NAME.test(file.fileName)) throw new Error('unsafe file name');
    return {
      statusCode: result.statusCode,
      headers: {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.fileName}"`,
        'cache-control': 'no-store',
      },
      body: file.text,
    };
  }
  return result.body === undefined
    ? { statusCode: result.statusCode, headers: { 'cache-control': 'no-store' } }
    : { statusCode: result.statusCode, headers: JSON_HEADERS, body: JSON.stringify(result.body) };
}

export function httpFailure(thrown: unknown): HttpResult {
  const error = asHttpError(thrown);
  if (error instanceof HttpError)
    return { statusCode: error.statusCode, body: errorBody(error.code, error.message) };
  // Anything may be thrown (a string, null): only objects are looked into.
  const object = typeof error === 'object' && error !== null ? (error as Partial<Error>) : null;
  const dependency =
    error instanceof DependencyError ||
    error instanceof ConflictError ||
    (object !== null && ('$metadata' in object || object.name === 'TimeoutError'));
  const safe = dependency ? unavailable() : new HttpError(500, 'internal_error', 'Something went wrong.');
  return { statusCode: safe.statusCode, body: errorBody(safe.code, safe.message) };
}

export const jsonErrors = (opts: {
  logger: Logger;
}): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  onError: (request) => {
    const failure = httpFailure(request.error);
    if (failure.statusCode >= 500) {
      opts.logger.error('request failed', {
        routeKey: request.event.routeKey,
        status: failure.statusCode,
        ...errorFacts(request.error),
      });
    }
    request.response = toApiResult(failure);
  },
});
