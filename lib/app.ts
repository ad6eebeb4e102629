import { type App, Tags } from 'aws-cdk-lib';
import { readConfig, resolveAppUrl } from './config';
import { stackNames } from './naming';
import { IamAuditStack } from './stacks/iam-audit-stack';
import { StatefulStack } from './stacks/stateful-stack';
import { StatelessStack } from './stacks/stateless-stack';
import { WebContentStack } from './stacks/web-content-stack';
import { WebStack } from './stacks/web-stack';

const CROSS_STACK_REFERENCES = '@aws-cdk/core:defaultCrossStackReferences';

/** Where to deploy; a key that is present (even undefined) overrides the CLI's environment. */
export interface BuildOptions {
  /** Default: CDK_DEFAULT_ACCOUNT, which the CDK CLI sets from the credentials it finds. */
  account?: string | undefined;
  /** Default: CDK_DEFAULT_REGION. */
  region?: string | undefined;
}

/**
 * Builds the five stacks of a stage from the app's context, in deployment order:
 *  - `Backchannel-<stage>-Web`: the web app's bucket and CloudFront distribution. First, because
 *    its URL is the default app URL that the user pool client (callback and sign-out URLs), the
 *    API (CORS origin) and the emails (links) point at; it needs nothing from the others;
 *  - `Backchannel-<stage>-Stateful`: table, number and messages keys, user pool, secrets;
 *  - `Backchannel-<stage>-Stateless`: API, functions, schedules, email, queues, alarms, audit;
 *  - `Backchannel-<stage>-WebContent`: the built app and its config.json (API URL, user pool),
 *    and the API's origin written into the distribution's CSP: the one value that cannot flow
 *    forwards (the API must know the app's origin, the app's CSP the API's);
 *  - `Backchannel-<stage>-IamAudit` (us-east-1): alarms on changes to the stage's IAM roles.
 * Every reference points from a later stack to an earlier one, so `cdk deploy --all` deploys
 * them in one run. Account and region come from the CDK CLI (CDK_DEFAULT_ACCOUNT/REGION: the
 * profile's, or unset); nothing is looked up, so `cdk synth` works offline without credentials.
 */
export function buildApp(app: App, options: BuildOptions = {}) {
  const account = 'account' in options ? options.account : process.env.CDK_DEFAULT_ACCOUNT;
  const region = 'region' in options ? options.region : process.env.CDK_DEFAULT_REGION;
  // Cross-stack references (stateful → stateless) stay "strong": CloudFormation refuses to
  // remove an export the stateless stack still uses. Set explicitly (CDK warns when it is left
  // to the default); cdk.json may set it instead.
  if (app.node.tryGetContext(CROSS_STACK_REFERENCES) === undefined) {
    app.node.setContext(CROSS_STACK_REFERENCES, 'strong');
  }
  const context = readConfig(app.node);
  const names = stackNames(context.stage);
  const env = account || region ? { account, region } : undefined;

  Tags.of(app).add('app', 'backchannel');
  Tags.of(app).add('stage', context.stage);

  const web = new WebStack(app, names.web, {
    config: context,
    env,
    description: `Backchannel ${context.stage}: web app bucket and CloudFront distribution`,
  });
  // Without appUrl, the app is the one the web stack hosts.
  const config = resolveAppUrl(context, web.url);
  const stateful = new StatefulStack(app, names.stateful, {
    config,
    env,
    description: `Backchannel ${config.stage}: table, number key, user pool, fingerprint and invitation keys (retained outside dev)`,
  });
  const stateless = new StatelessStack(app, names.stateless, {
    config,
    env,
    description: `Backchannel ${config.stage}: HTTP API, functions, schedules, email, alarms`,
    table: stateful.table,
    numberKey: stateful.numberKey,
    messagesKey: stateful.messagesKey,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
    fingerprintSecret: stateful.fingerprintSecret,
    invitationSecret: stateful.invitationSecret,
  });
  const webContent = new WebContentStack(app, names.webContent, {
    config,
    env,
    description: `Backchannel ${config.stage}: the built web app and its config.json`,
    web,
    distribution: web.distribution,
    securityHeaders: web.securityHeaders,
    authDomainUrl: web.authDomainUrl,
    issuerOrigin: web.issuerOrigin,
    knownApiOrigin: web.apiOrigin,
    apiUrl: stateless.apiUrl,
    apiOrigin: stateless.apiOrigin,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
  });
  const iamAudit = new IamAuditStack(app, names.iamAudit, {
    config,
    env: { account, region: 'us-east-1' },
    description: `Backchannel ${config.stage}: alarms on IAM role changes (IAM events arrive in us-east-1 only)`,
  });
  return { config, web, stateful, stateless, webContent, iamAudit };
}
