/**
 * openapi.yaml as a response validator: for a route template, a method and a status, the response
 * must be documented and its body must match the documented schema (JSON Schema 2020-12, which
 * OpenAPI 3.1 uses as it is). The API harness checks every response it gets with it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const DOC_ID = 'https://backchannel.invalid/openapi.yaml';
export const OPENAPI_FILE = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: the parsed YAML document is walked by name.
type Json = Record<string, any>;

/** Rewrites the document-relative refs of an inline schema so they resolve against the registered document. */
function absolutize(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(absolutize);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(
      Object.entries(schema).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${DOC_ID}${v}` : absolutize(v),
      ]),
    );
  }
  return schema;
}

export class OpenApiContract {
  readonly doc: Json;
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction | null>();

  constructor(file = OPENAPI_FILE) {
    this.doc = parse(readFileSync(file, 'utf8')) as Json;
    // Not strict: OpenAPI adds annotations (`example`, `discriminator`…) JSON Schema does not know.
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(this.doc, DOC_ID);
  }

  /** The documented response, with a `$ref` to components/responses followed. */
  response(template: string, method: string, status: number): Json | undefined {
    const operation = this.doc.paths?.[template]?.[method.toLowerCase()];
    let response = operation?.responses?.[String(status)] as Json | undefined;
    if (response?.$ref) {
      const name = String(response.$ref).replace('#/components/responses/', '');
      response = this.doc.components.responses[name];
    }
    return response;
  }

  /** Problems with a real response: empty when it matches the document. */
  check(
    template: string,
    method: string,
    status: number,
    body: unknown,
    mediaType = 'application/json',
  ): string[] {
    const key = `${method} ${template} ${status}`;
    const response = this.response(template, method, status);
    if (!response) return [`${key}: status not documented`];
    const content = response.content as Json | undefined;
    if (body !== undefined && content && !content[mediaType]) return [`${key}: ${mediaType} not documented`];
    let validate = this.cache.get(`${key} ${mediaType}`);
    if (validate === undefined) {
      const schema = content?.[mediaType]?.schema;
      validate = schema ? this.ajv.compile(absolutize(schema) as object) : null;
      this.cache.set(`${key} ${mediaType}`, validate);
    }
    if (validate === null) return body === undefined ? [] : [`${key}: documented without a body, got one`];
    if (body === undefined) return [`${key}: documented with a body, got none`];
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${key}: ${e.instancePath || '/'} ${e.message}`);
  }

  /** Every (method, path template) the document describes. */
  operations(): { method: string; path: string }[] {
    return Object.entries(this.doc.paths as Json).flatMap(([path, item]) =>
      Object.keys(item as Json)
        .filter((k) => ['get', 'put', 'post', 'delete', 'patch'].includes(k))
        .map((method) => ({ method: method.toUpperCase(), path })),
    );
  }
}
