/**
 * The payload-2.0 translation API Gateway does around a Lambda handler: a Node request becomes an
 * `APIGatewayProxyEventV2` (headers, cookies, query, path parameters, request context), the
 * handler's `APIGatewayProxyResultV2` becomes the response, and JWT claims are passed as strings.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';

export class TooLarge extends Error {}

/** Reads the body; rejects with TooLarge as soon as it exceeds `limit` (the rest is discarded). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new TooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** API Gateway passes JWT claims as strings: `true` → "true", 1700000000 → "1700000000". */
export function stringifyClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined) continue;
    out[name] =
      typeof value === 'string'
        ? value
        : Array.isArray(value)
          ? `[${value.join(' ')}]`
          : typeof value === 'object' && value !== null
            ? JSON.stringify(value)
            : String(value);
  }
  return out;
}

function requestTime(date: Date): string {
  // API Gateway's format: 12/Mar/2020:19:03:58 +0000
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** Builds the payload-2.0 event (without the authorizer part). */
export function toApiGatewayEvent(
  req: IncomingMessage,
  body: Buffer,
  match: { routeKey: string; pathParameters: Record<string, string> },
  requestId: string,
  now = new Date(),
): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const rawQuery = (req.url ?? '').includes('?')
    ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1)
    : '';
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    if (name === 'cookie') {
      cookies = values.flatMap((value) => value.split(/;\s*/)).filter(Boolean);
      continue;
    }
    headers[name] = values.join(',');
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const host = headers.host ?? 'localhost';
  const requestContext: APIGatewayEventRequestContextV2 = {
    accountId: '000000000000',
    apiId: 'local',
    domainName: host,
    domainPrefix: host.split('.')[0] ?? host,
    http: {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      protocol: `HTTP/${req.httpVersion}`,
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      userAgent: headers['user-agent'] ?? '',
    },
    requestId,
    routeKey: match.routeKey,
    stage: '$default',
    time: requestTime(now),
    timeEpoch: now.getTime(),
  };
  return {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath: url.pathname,
    rawQueryString: rawQuery,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext,
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    ...(body.length > 0 ? { body: body.toString('utf8') } : {}),
    isBase64Encoded: false,
  };
}

/** Writes a handler's result the way API Gateway (payload 2.0) interprets it. */
export function writeResult(
  res: ServerResponse,
  result: APIGatewayProxyResultV2,
  requestId: string,
  extraHeaders: Record<string, string> = {},
): number {
  let structured: APIGatewayProxyStructuredResultV2;
  if (typeof result === 'string') {
    structured = { statusCode: 200, body: result, headers: { 'content-type': 'application/json' } };
  } else if (result && typeof result === 'object' && 'statusCode' in result) {
    structured = result;
  } else {
    // Valid JSON without statusCode: API Gateway answers 200 with it as the body.
    structured = {
      statusCode: 200,
      body: JSON.stringify(result),
      headers: { 'content-type': 'application/json' },
    };
  }
  const headers: Record<string, string | string[]> = { 'apigw-requestid': requestId };
  for (const [name, value] of Object.entries(structured.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  // What the gateway adds (CORS, the business clock's Date) wins over the handler's own.
  for (const [name, value] of Object.entries(extraHeaders)) headers[name] = value;
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body =
    structured.body === undefined
      ? undefined
      : structured.isBase64Encoded
        ? Buffer.from(structured.body, 'base64')
        : Buffer.from(structured.body, 'utf8');
  if (body && !headers['content-type']) headers['content-type'] = 'application/json';
  const status = structured.statusCode ?? 200;
  res.writeHead(status, headers);
  res.end(body);
  return status;
}
