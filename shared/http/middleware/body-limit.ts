/** 413 when the body exceeds the limit: checked before anything else (openapi.yaml, order of checks). */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { payloadTooLarge } from '../errors';

export const MAX_BODY_BYTES = 64 * 1024;

export const bodyLimit = (
  opts: { maxBytes: number } = { maxBytes: MAX_BODY_BYTES },
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  before: (request) => {
    const body = request.event.body;
    if (!body) return;
    const bytes = request.event.isBase64Encoded
      ? Buffer.from(body, 'base64').length
      : Buffer.byteLength(body);
    if (bytes > opts.maxBytes) throw payloadTooLarge();
  },
});
