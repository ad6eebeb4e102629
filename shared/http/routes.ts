/**
 * The HTTP routes of openapi.yaml and the function serving each. The CDK stack and the local runtime
 * both build their routes from this list, so they cannot drift apart.
 */
export type ApiFunctionName = 'api' | 'submit-number' | 'own-number' | 'rooms' | 'calendar';

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  fn: ApiFunctionName;
}

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'POST', path: '/sessions', fn: 'api' },
  { method: 'GET', path: '/sessions', fn: 'api' },
  { method: 'GET', path: '/sessions/{id}', fn: 'api' },
  { method: 'GET', path: '/sessions/{id}/calendar.ics', fn: 'calendar' },
  { method: 'POST', path: '/sessions/{id}/invitations', fn: 'api' },
  { method: 'DELETE', path: '/sessions/{id}/invitations/{email}', fn: 'api' },
  { method: 'POST', path: '/invitations/accept', fn: 'api' },
  { method: 'POST', path: '/invitations/preview', fn: 'api' },
  { method: 'GET', path: '/currencies', fn: 'api' },
  { method: 'GET', path: '/me', fn: 'api' },
  { method: 'PUT', path: '/me', fn: 'api' },
  { method: 'PUT', path: '/sessions/{id}/terms', fn: 'api' },
  { method: 'POST', path: '/sessions/{id}/terms/accept', fn: 'api' },
  { method: 'POST', path: '/sessions/{id}/withdraw', fn: 'api' },
  { method: 'POST', path: '/sessions/{id}/again', fn: 'api' },
  { method: 'POST', path: '/sessions/{id}/proposals', fn: 'api' },
  { method: 'POST', path: '/sessions/{id}/proposals/current/consent', fn: 'api' },
  // An answer is sealed: served where kms:Encrypt is (shared/app/sessions/answer-proposal.ts).
  { method: 'POST', path: '/sessions/{id}/proposals/current/answer', fn: 'submit-number' },
  { method: 'PUT', path: '/sessions/{id}/number', fn: 'submit-number' },
  { method: 'GET', path: '/sessions/{id}/number', fn: 'own-number' },
  // Rooms: a function of their own, the only one that may use the messages key.
  { method: 'GET', path: '/sessions/{id}/rooms', fn: 'rooms' },
  { method: 'GET', path: '/sessions/{id}/rooms/{room}/messages', fn: 'rooms' },
  { method: 'POST', path: '/sessions/{id}/rooms/{room}/messages', fn: 'rooms' },
  { method: 'POST', path: '/sessions/{id}/rooms/joint/consent', fn: 'rooms' },
];
