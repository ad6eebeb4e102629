import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { ConfigError } from '../lib/config';
import { applyNag } from '../lib/nag';

const app = new App();
try {
  buildApp(app);
} catch (error) {
  // A missing or malformed context key: the message says which and how to pass it.
  if (error instanceof ConfigError) {
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
applyNag(app);
app.synth();
