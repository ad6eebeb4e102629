/**
 * `npm start`: the whole backend on http://127.0.0.1:3000 and the web app on :3001 (settings:
 * local/settings.ts, the README's "Settings for npm start").
 *
 * Ctrl-C (SIGINT; SIGTERM and SIGHUP alike) stops everything it started, in order, losing
 * nothing (local/runtime.ts). A second Ctrl-C stops at once: work in flight is then abandoned,
 * and since no stream checkpoint moved past it, the next start delivers it again.
 */
import { startLocalRuntime } from './runtime';
import { JAVA_REQUIRED_MESSAGE } from './services/dynamodb-local';
import { PortInUseError } from './services/process';
import { readSettings, SettingsError } from './settings';

const PORT_SETTING: Record<string, string> = {
  'the API': 'PORT',
  'the web app': 'WEB_PORT',
  'local SES': 'MAIL_PORT',
};

try {
  const { dataDirLabel, ...settings } = readSettings();
  const runtime = await startLocalRuntime(settings);
  console.log(
    `Backchannel API on ${runtime.url} · web app on ${runtime.webUrl} · mail viewer on ${runtime.mailUrl} · ` +
      `data in ${dataDirLabel} · Ctrl-C to stop`,
  );
  let stoppingSince: number | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // A wrapper that relays the terminal's signal (`npx tsx`) delivers it twice: only a
      // second Ctrl-C a moment later means "now".
      if (Date.now() - stoppingSince < 1_000) return;
      console.log('Stopping at once.');
      // The 'exit' hook (services/process.ts) signals the services; their guards see us gone too.
      process.exit(130);
    }
    stoppingSince = Date.now();
    console.log(`${signal}: stopping… (Ctrl-C again to stop at once)`);
    runtime.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);
} catch (error) {
  if (error instanceof SettingsError) {
    console.error(error.message);
  } else if (error instanceof PortInUseError) {
    const setting = PORT_SETTING[error.service];
    console.error(
      setting
        ? `${error.message} Set ${setting} to use another port, e.g. ${setting}=${error.port + 10} npm start`
        : error.message,
    );
  } else if ((error as Error).message === JAVA_REQUIRED_MESSAGE) {
    console.error(JAVA_REQUIRED_MESSAGE);
  } else {
    console.error('Could not start the local runtime:', error);
  }
  process.exit(1);
}
