/**
 * `npm start`: the whole backend on http://127.0.0.1:3000 (PORT to change). Ctrl-C stops
 * everything it started.
 */

import { startLocalRuntime } from './runtime';
import { JAVA_REQUIRED_MESSAGE } from './services/dynamodb-local';
import { PortInUseError } from './services/process';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a port number, got ${process.env.PORT}`);
  process.exit(1);
}

try {
  const runtime = await startLocalRuntime({
    port,
    verbose: process.env.VERBOSE === '1',
    // BACKCHANNEL_DATA_DIR keeps state elsewhere than .local/ (the end-to-end tests use a temp folder).
    ...(process.env.BACKCHANNEL_DATA_DIR ? { dataDir: process.env.BACKCHANNEL_DATA_DIR } : {}),
  });
  console.log(
    `Backchannel API on ${runtime.url} · mail viewer on ${runtime.mailUrl} · data in ${process.env.BACKCHANNEL_DATA_DIR ?? '.local/'} · Ctrl-C to stop`,
  );
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (error) {
  if (error instanceof PortInUseError) {
    console.error(`${error.message} Set PORT to use another port, e.g. PORT=3001 npm start`);
  } else if ((error as Error).message === JAVA_REQUIRED_MESSAGE) {
    console.error(JAVA_REQUIRED_MESSAGE);
  } else {
    console.error('Could not start the local runtime:', error);
  }
  process.exit(1);
}
