import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nagPack } from '../../lib/nag';
import {
  type Json,
  OPTIONAL_CONTEXT,
  resources,
  SYNTH_TIMEOUT_MS,
  type Synthesized,
  synth,
} from './support/synth';

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synth('dev');
  prod = synth('prod', OPTIONAL_CONTEXT);
}, SYNTH_TIMEOUT_MS);

function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it.each(['dev', 'prod'])('finds nothing unacknowledged in the %s app', (stage) => {
    // Prepare
    const app = stage === 'dev' ? dev : prod;

    // Act
    const report = app.pack.validateScope(app.app);

    // Assess
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('gives every acknowledgement a reason of its own', () => {
    // Prepare
    const acks = acknowledgements(dev.app).filter((a) => a.id.includes('AwsSolutions-'));

    // Act
    const weak = acks.filter((a) => a.reason.trim().length < 60);

    // Assess
    expect(acks.length).toBeGreaterThan(0);
    expect(weak).toEqual([]);
  });

  it('writes the acknowledgements and their reasons into the templates', () => {
    // Prepare
    const all = [dev.templates.stateful, dev.templates.stateless, dev.templates.iamAudit].flatMap((t) =>
      resources(t),
    );

    // Act
    const written = all.flatMap(([, r]) => (r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Json[]);

    // Assess
    expect(written.length).toBeGreaterThan(0);
    for (const rule of written) expect(rule.reason.length).toBeGreaterThanOrEqual(60);
  });

  it('does report a finding that nobody acknowledged (the check is not vacuous)', () => {
    // Prepare
    const app = new App();
    const pack = nagPack(app);
    new sqs.Queue(new Stack(app, 'Probe'), 'Plain');

    // Act
    const report = pack.validateScope(app);

    // Assess
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => v.ruleName)).toEqual(expect.arrayContaining(['AwsSolutions-SQS4']));
  });
});
