/**
 * Route matching as API Gateway HTTP APIs do it: `{name}` parameters match one non-empty segment
 * (URL-decoded), and static segments win over parameters, earliest segment first ("most
 * specific").
 */
import type { ApiHandler, DevHandler, DevRoute, HttpMethod, Route } from './http-gateway';

export interface CompiledRoute {
  method: HttpMethod;
  path: string;
  segments: string[];
  dev: boolean;
  handler: ApiHandler | DevHandler;
  name: string;
}

export interface Match {
  route: CompiledRoute;
  pathParameters: Record<string, string>;
}

export function compile(route: Route | DevRoute, dev: boolean): CompiledRoute {
  const segments = route.path.split('/').slice(1);
  const name =
    route.name ??
    `${route.method.toLowerCase()}-${segments.map((s) => s.replace(/[{}]/g, '')).join('-') || 'root'}`;
  return { method: route.method, path: route.path, segments, dev, handler: route.handler, name };
}

export function matchPath(route: CompiledRoute, segments: string[]): Record<string, string> | undefined {
  if (route.segments.length !== segments.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, pattern] of route.segments.entries()) {
    const actual = segments[index] as string;
    if (pattern.startsWith('{') && pattern.endsWith('}')) {
      if (actual === '') return undefined;
      try {
        parameters[pattern.slice(1, -1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (pattern !== actual) {
      return undefined;
    }
  }
  return parameters;
}

/** Static segments win over parameters, earliest segment first (API Gateway's "most specific"). */
function specificity(route: CompiledRoute): string {
  return route.segments.map((segment) => (segment.startsWith('{') ? '0' : '1')).join('');
}

/** Routes sorted most specific first. */
export function compileRoutes(routes: Route[], devRoutes: DevRoute[] = []): CompiledRoute[] {
  return [
    ...routes.map((route) => compile(route, false)),
    ...devRoutes.map((route) => compile(route, true)),
  ].sort((a, b) => (specificity(a) < specificity(b) ? 1 : specificity(a) > specificity(b) ? -1 : 0));
}

/** Every route whose path matches (any method), most specific first. */
export function candidatesFor(routes: CompiledRoute[], path: string): Match[] {
  const segments = path.split('/').slice(1);
  const candidates: Match[] = [];
  for (const route of routes) {
    const pathParameters = matchPath(route, segments);
    if (pathParameters) candidates.push({ route, pathParameters });
  }
  return candidates;
}
