/**
 * The real API handlers (functions/api, submit-number, own-number, rooms, calendar) in-process, against DynamoDB
 * Local, invoked with API Gateway v2 (payload 2.0) events shaped as API Gateway builds them after
 * its JWT authorizer: routeKey matched from the route templates, decoded pathParameters, lower-case
 * headers, `requestContext.authorizer.jwt.claims` with `sub`, `email`, `email_verified`.
 *
 * The handlers read their environment when they are imported, so `createApiHarness()` sets it
 * (a fresh table, key files in a temporary folder) and only then imports them. Vitest isolates
 * modules per test file: call it once per file, in `beforeAll`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, DynamoDBClient, paginateScan, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { inject } from 'vitest';
import { ensureTable } from '../../local/services/dynamodb-local';
import { lambdaContext } from '../../local/services/lambda-context';
import { FileFingerprintKey } from '../../shared/adapters/fingerprint-key';
import { InvitationTokens } from '../../shared/app/invitation-token';
import { API_ROUTES, type ApiFunctionName, type ApiRoute } from '../../shared/http/routes';
import { setClockOffset } from '../../shared/runtime/clock';
import { OpenApiContract } from './openapi-contract';

type Handler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

type FunctionName = ApiFunctionName;

/**
 * Every route of openapi.yaml and the function API Gateway sends it to: the shared route table the CDK
 * stack and the local runtime are built from.
 */
export const ROUTES: readonly ApiRoute[] = API_ROUTES;

export interface CallOptions {
  /** The caller's email (claims of a valid ID token); null: no token at all. */
  as: string | null;
  /** An object is sent as JSON; a string is sent as it is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Default true. */
  emailVerified?: boolean;
}

/** A response that openapi.yaml does not describe. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

/** A parsed JSON body: tests read it field by field and compare it with `toEqual`. */
// biome-ignore lint/suspicious/noExplicitAny: a response body is whatever JSON the API sent.
export type Json = any;

export interface ApiResponse<T = Json> {
  status: number;
  /** The parsed JSON body (the text of any other type), or undefined when there is none. */
  body: T;
  headers: Record<string, string>;
  /** The body exactly as the handler returned it. */
  rawBody: string | undefined;
}

export interface ApiHarness {
  tableName: string;
  /** A low-level client on DynamoDB Local, for assertions on the table itself. */
  dynamo: DynamoDBClient;
  call<T = Json>(method: string, path: string, options: CallOptions): Promise<ApiResponse<T>>;
  /** The token of the newest invitation sent to `email` in that session (as notify would mail it). */
  invitationToken(sessionId: string, email: string): Promise<string>;
  /** Every item of the session's partition, unmarshalled. */
  sessionItems(sessionId: string): Promise<Record<string, unknown>[]>;
  /** Every item of the table, raw (attribute values as stored). */
  scanRaw(): Promise<Record<string, AttributeValue>[]>;
  /** Moves the business clock: `ms` ahead of real time. */
  setClock(ms: number): void;
  /** openapi.yaml; every response `call` returns has been checked against it. */
  contract: OpenApiContract;
  /** How many responses were checked against openapi.yaml. */
  checkedResponses: () => number;
}

/** A stable `sub` per address, as a user pool would give. */
export const subOf = (email: string) =>
  `sub-${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 24)}`;

/** A fresh address for one test: `freshEmail('alice')` → alice-<random>@example.com. */
export function freshEmail(name: string): string {
  return `${name}-${randomUUID().slice(0, 8)}@example.com`;
}

function matchRoute(method: string, path: string) {
  const segments = path.split('?')[0]!.split('/').slice(1);
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/').slice(1);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((p, i) => {
      const actual = segments[i]!;
      if (p.startsWith('{')) {
        if (actual === '') return false;
        // HTTP APIs hand path parameters to the integration URL-decoded.
        params[p.slice(1, -1)] = safeDecode(actual);
        return true;
      }
      return p === actual;
    });
    if (ok) return { route, params };
  }
  throw new Error(`no route for ${method} ${path}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export async function createApiHarness(options: { tableName?: string } = {}): Promise<ApiHarness> {
  const endpoint = inject('dynamoEndpoint');
  const tableName = options.tableName ?? `api-${randomUUID()}`;
  const dynamo = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTable(dynamo, tableName);

  const keys = mkdtempSync(join(tmpdir(), 'backchannel-api-'));
  const fingerprintFile = join(keys, 'fingerprint.key');
  const invitationFile = join(keys, 'invitation.key');
  process.env.TABLE_NAME = tableName;
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.LOCAL_SEALER_KEY_FILE = join(keys, 'sealer.key');
  process.env.LOCAL_MESSAGES_KEY_FILE = join(keys, 'messages.key');
  process.env.FINGERPRINT_KEY_FILE = fingerprintFile;
  process.env.INVITATION_KEY_FILE = invitationFile;
  process.env.LOG_LEVEL ??= 'SILENT';

  const handlers: Record<FunctionName, Handler> = {
    api: (await import('../../functions/api/index')).handler as unknown as Handler,
    'submit-number': (await import('../../functions/submit-number/index')).handler as unknown as Handler,
    'own-number': (await import('../../functions/own-number/index')).handler as unknown as Handler,
    rooms: (await import('../../functions/rooms/index')).handler as unknown as Handler,
    calendar: (await import('../../functions/calendar/index')).handler as unknown as Handler,
  };
  const tokens = new InvitationTokens(new FileFingerprintKey(invitationFile));
  const contract = new OpenApiContract();
  let checked = 0;

  async function sessionItems(sessionId: string) {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const out = await dynamo.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `SESSION#${sessionId}` } },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...(out.Items ?? []).map((i) => unmarshall(i)));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  return {
    tableName,
    dynamo,
    sessionItems,

    async call(method, path, { as, body, headers = {}, emailVerified = true }) {
      const { route, params } = matchRoute(method, path);
      const rawBody = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const lowerHeaders: Record<string, string> = {
        host: 'api.example.com',
        'user-agent': 'vitest',
        ...(rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(rawBody !== undefined ? { 'content-length': String(Buffer.byteLength(rawBody)) } : {}),
        ...(as !== null ? { authorization: 'Bearer test-token' } : {}),
      };
      for (const [name, value] of Object.entries(headers)) lowerHeaders[name.toLowerCase()] = value;
      const now = Date.now();
      const rawPath = path.split('?')[0]!;
      const rawQueryString = path.includes('?') ? path.slice(path.indexOf('?') + 1) : '';
      const query: Record<string, string> = {};
      // API Gateway joins a repeated parameter's values with commas.
      for (const [name, value] of new URLSearchParams(rawQueryString)) {
        query[name] = name in query ? `${query[name]},${value}` : value;
      }
      const event = {
        version: '2.0',
        routeKey: `${route.method} ${route.path}`,
        rawPath,
        rawQueryString,
        headers: lowerHeaders,
        requestContext: {
          accountId: '000000000000',
          apiId: 'test',
          domainName: 'api.example.com',
          domainPrefix: 'api',
          http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
          requestId: randomUUID(),
          routeKey: `${route.method} ${route.path}`,
          stage: '$default',
          time: new Date(now).toUTCString(),
          timeEpoch: now,
          ...(as !== null
            ? {
                authorizer: {
                  principalId: '',
                  integrationLatency: 0,
                  jwt: {
                    claims: {
                      sub: subOf(as),
                      email: as,
                      email_verified: emailVerified ? 'true' : 'false',
                      iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test',
                      token_use: 'id',
                    },
                    scopes: null,
                  },
                },
              }
            : {}),
        },
        ...(Object.keys(params).length > 0 ? { pathParameters: params } : {}),
        ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
        ...(rawBody !== undefined ? { body: rawBody } : {}),
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
      const result = await handlers[route.fn](event, lambdaContext(route.fn));
      const text = result.body;
      const answered = Object.fromEntries(
        Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
      );
      const mediaType = (answered['content-type'] ?? 'application/json').split(';')[0]!.trim();
      const json = mediaType === 'application/json';
      const response = {
        status: result.statusCode ?? 200,
        // Another type (a calendar): the text as it is.
        body: text === undefined || text === '' ? undefined : json ? JSON.parse(text) : text,
        headers: answered,
        rawBody: text,
      };
      // Every real response must be one openapi.yaml describes.
      const problems = contract.check(route.path, route.method, response.status, response.body, mediaType);
      checked++;
      if (problems.length > 0) {
        throw new ContractViolation(`${problems.join('\n')}\nbody: ${text}`);
      }
      return response;
    },

    async invitationToken(sessionId, email) {
      const address = email.toLowerCase();
      const items = await sessionItems(sessionId);
      // The open invitation to that address, if any; else the newest one ever sent to it.
      const session = items.find((i) => i.sk === 'SESSION') as {
        invitations?: { id: string; email: string }[];
      };
      const open = session?.invitations?.find((i) => i.email === address);
      const sent = items
        .filter((i) => i.type === 'outbox' && String(i.sk).startsWith('OUTBOX#invitation-'))
        .filter((i) => (i.notice as { to: string[] }).to.includes(address))
        .sort((a, b) => (a.createdAt as number) - (b.createdAt as number))
        .map((i) => (i.notice as { invitationId: string }).invitationId);
      const id = open?.id ?? sent.at(-1);
      if (!id) throw new Error(`no invitation for ${email} in ${sessionId}`);
      return tokens.tokenFor(id);
    },

    async scanRaw() {
      const items: Record<string, AttributeValue>[] = [];
      for await (const page of paginateScan(
        { client: dynamo },
        { TableName: tableName, ConsistentRead: true },
      )) {
        items.push(...(page.Items ?? []));
      }
      return items;
    },

    setClock(ms) {
      setClockOffset(ms);
    },

    contract,
    checkedResponses: () => checked,
  };
}
