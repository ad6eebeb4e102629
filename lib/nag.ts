import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag 3 runs as a CDK policy-validation plugin: any unacknowledged finding (error or
 * warning) fails `cdk synth`. Acknowledgements are written into the templates' Metadata
 * (`cdk_nag.rules_to_suppress`) so a reviewer sees each exception and its reason.
 */
export function nagPack(app: App): AwsSolutionsChecks {
  return new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true });
}

export function applyNag(app: App): void {
  Validations.of(app).addPlugins(nagPack(app));
}

/** Acknowledges one cdk-nag rule (or one finding, `Rule[Finding]`) on a construct and its children. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}
