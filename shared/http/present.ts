/** How a use case's result is answered. */
import type { HttpResult } from './errors';

export const ok = (body: unknown): HttpResult => ({ statusCode: 200, body });
export const created = (body: unknown): HttpResult => ({ statusCode: 201, body });
export const accepted = (body: unknown): HttpResult => ({ statusCode: 202, body });
export const noContent = (): HttpResult => ({ statusCode: 204 });
