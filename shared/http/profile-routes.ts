/** The profile routes of the `api` function (openapi.yaml, `/me`): any signed-in user, about themself. */
import type { ProfileDeps } from '../app/profiles/read-profile';
import { readProfile } from '../app/profiles/read-profile';
import { saveProfile } from '../app/profiles/save-profile';
import type { Routes } from './handler';
import { ok } from './present';
import { parseBody, profileBody } from './schemas';

export function profileRoutes(deps: ProfileDeps): Routes {
  return {
    'GET /me': async ({ caller }) => ok(await readProfile(deps, caller)),
    'PUT /me': async ({ caller, body, receipt }) =>
      ok(await saveProfile(deps, { caller, input: () => parseBody(profileBody, body) }, receipt(ok))),
  };
}
