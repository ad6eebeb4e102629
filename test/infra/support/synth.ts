/**
 * Synthesizes the app the way `bin/app.ts` does, without bundling (context
 * `aws:cdk:bundling-stacks: []`) and without an environment, so each file pays for one synth
 * per variant and the result does not depend on the caller's AWS configuration.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../../lib/app';
import { nagPack } from '../../../lib/nag';

export const BASE_CONTEXT = {
  senderEmail: 'no-reply@example.com',
  appUrl: 'https://app.example.com',
  alarmEmail: 'alarms@example.com',
} as const;

/** Every optional context key at once: one extra synth per file covers them all. */
export const OPTIONAL_CONTEXT = {
  corsOrigins: 'https://app.example.com,https://admin.example.com',
  callbackUrls: 'https://app.example.com/auth,com.example.backchannel://auth',
  domainName: 'api.example.com',
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123',
  senderDomain: 'example.com',
} as const;

/** `context` adds or overrides keys; a key set to `undefined` is left out (e.g. `{ appUrl: undefined }`). */
export function synth(stage: string, context: Record<string, string | undefined> = {}) {
  const merged = Object.entries({ stage, ...BASE_CONTEXT, ...context }).filter(
    ([, value]) => value !== undefined,
  );
  const app = new App({
    context: { ...Object.fromEntries(merged), 'aws:cdk:bundling-stacks': [] },
  });
  // Constructed before the stacks, as in bin/app.ts: it writes acknowledgements into Metadata.
  const pack = nagPack(app);
  const built = buildApp(app, { account: undefined, region: undefined });
  const templates = {
    stateful: Template.fromStack(built.stateful),
    stateless: Template.fromStack(built.stateless),
    iamAudit: Template.fromStack(built.iamAudit),
    web: Template.fromStack(built.web),
    webContent: Template.fromStack(built.webContent),
  };
  return { app, pack, ...built, templates };
}

export type Synthesized = ReturnType<typeof synth>;

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
export type Json = any;

export interface CfnResource {
  Type: string;
  Properties?: Json;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Json;
}

export function resources(template: Template, type?: string): [string, CfnResource][] {
  const all = Object.entries(template.toJSON().Resources as Record<string, CfnResource>);
  return type === undefined ? all : all.filter(([, resource]) => resource.Type === type);
}

export function resource(template: Template, logicalId: string): CfnResource {
  const found = (template.toJSON().Resources as Record<string, CfnResource>)[logicalId];
  if (found === undefined) throw new Error(`no resource ${logicalId}`);
  return found;
}

/** The logical id a `{Ref}` or `{Fn::GetAtt}` points at. */
export function refId(value: Json): string | undefined {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') return value.Ref;
    if (Array.isArray(value['Fn::GetAtt'])) return value['Fn::GetAtt'][0];
  }
  return undefined;
}

/** The literal text of a value with every intrinsic flattened into `{…}` placeholders. */
export function flatten(value: Json): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatten).join(',');
  if (value && typeof value === 'object') {
    if (Array.isArray(value['Fn::Join'])) {
      const [separator, parts] = value['Fn::Join'] as [string, Json[]];
      return parts.map(flatten).join(separator);
    }
    if (typeof value.Ref === 'string') return `{${value.Ref}}`;
    if (value['Fn::GetAtt']) return `{${value['Fn::GetAtt'].join('.')}}`;
    if (value['Fn::ImportValue']) return `{import:${flatten(value['Fn::ImportValue'])}}`;
    return JSON.stringify(value);
  }
  return String(value);
}

export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Whether an IAM action pattern (`kms:*`, `kms:Decr*`, `*`) grants `action`. */
export function actionCovers(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return regex.test(action);
}

export interface RoleStatement {
  /** The role's short name: `match`, `own-number`, `scheduler`, … (from its fixed role name). */
  role: string;
  statement: Json;
}

/** Every statement of every identity policy of every role in a template. */
export function roleStatements(template: Template): RoleStatement[] {
  const roleLabel = (roleId: string): string => {
    const name = flatten(resource(template, roleId).Properties?.RoleName ?? roleId);
    return /^Backchannel-[a-z0-9]+-(.+)-\{AWS::Region\}$/.exec(name)?.[1] ?? name;
  };
  const out: RoleStatement[] = [];
  for (const [, policy] of resources(template, 'AWS::IAM::Policy')) {
    for (const role of asArray<Json>(policy.Properties.Roles)) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        out.push({ role: roleLabel(refId(role)!), statement });
      }
    }
  }
  for (const [roleId, role] of resources(template, 'AWS::IAM::Role')) {
    for (const inline of asArray<Json>(role.Properties?.Policies)) {
      for (const statement of inline.PolicyDocument.Statement) {
        out.push({ role: roleLabel(roleId), statement });
      }
    }
  }
  return out;
}

export function actionsOf(statement: Json): string[] {
  return asArray<string>(statement.Action);
}

/** Actions (lower-case-insensitive patterns kept as written) the role's allow statements grant. */
export function allowedActions(statements: RoleStatement[], role: string): string[] {
  return statements
    .filter((s) => s.role === role && (s.statement.Effect ?? 'Allow') === 'Allow')
    .flatMap((s) => actionsOf(s.statement));
}

/** The first synth in a worker loads and warms up aws-cdk-lib: seconds on a busy machine. */
export const SYNTH_TIMEOUT_MS = 90_000;
