/** How a use case's result is answered. */
import type { HttpFile, HttpResult } from './errors';

export const ok = (body: unknown): HttpResult => ({ statusCode: 200, body });
export const created = (body: unknown): HttpResult => ({ statusCode: 201, body });
export const accepted = (body: unknown): HttpResult => ({ statusCode: 202, body });
export const noContent = (): HttpResult => ({ statusCode: 204 });
/** A file to download (openapi.yaml, `GET /sessions/{id}/calendar.ics`). */
export const download = (file: HttpFile): HttpResult => ({ statusCode: 200, file });
