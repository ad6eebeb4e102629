import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionSettings } from '../function-settings';
import { type FunctionName, functionName, roleName } from '../naming';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The bundle is ESM (the repo is `"type": "module"`; top-level await works, and the SDK's ESM
 * builds tree-shake better than CJS). Some bundled CommonJS dependencies call `require` for
 * Node built-ins, which an ES module does not have: the banner defines it. The alias avoids a
 * clash with a `createRequire` import in the bundled code.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __backchannelCreateRequire } from 'node:module'; const require = __backchannelCreateRequire(import.meta.url);";

export interface ServiceFunctionProps {
  stage: string;
  isDev: boolean;
  name: FunctionName;
  /** Entry, description, memory and timeout come from here (lib/function-settings.ts). */
  settings: FunctionSettings;
  /** Added to STAGE and the logging variables. */
  environment: Record<string, string>;
}

/**
 * One Lambda function of the service: Node.js 22 on ARM64, bundled locally with esbuild
 * (minified, with source maps, AWS SDK included), JSON logs into its own log group with
 * retention, and a named role that starts with no permission but writing to that log group.
 */
export class ServiceFunction extends Construct {
  readonly name: FunctionName;
  readonly settings: FunctionSettings;
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.name = props.name;
    this.settings = props.settings;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.isDev ? logs.RetentionDays.TWO_WEEKS : logs.RetentionDays.THREE_MONTHS,
      removalPolicy: props.isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      roleName: roleName(props.stage, props.name),
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Backchannel ${props.stage} ${props.name}`,
    });
    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group).
    this.logGroup.grantWrite(this.role);

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      functionName: functionName(props.stage, props.name),
      description: props.settings.description,
      entry: `${REPO_ROOT}${props.settings.entry}`,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.settings.memorySize,
      timeout: Duration.seconds(props.settings.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: {
        STAGE: props.stage,
        POWERTOOLS_SERVICE_NAME: 'backchannel',
        LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        externalModules: [],
      },
    });
  }
}
