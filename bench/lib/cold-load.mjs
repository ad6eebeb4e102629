// Loaded by bench/cold-start.ts in a fresh Node process: times `import()` of one bundle, as the
// Lambda runtime's init phase does, and tells whether the import touched the network.
import dns from 'node:dns';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

const touched = [];
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  touched.push('connect');
  return connect.apply(this, args);
};
const lookup = dns.lookup;
dns.lookup = (...args) => {
  touched.push('lookup');
  return lookup(...args);
};

const started = process.hrtime.bigint();
const module = await import(pathToFileURL(process.argv[2]).href);
const loaded = process.hrtime.bigint();
// Let anything the import started (a socket, a timer) show itself before reporting.
await new Promise((resolve) => setTimeout(resolve, 0));
process.stdout.write(
  JSON.stringify({
    ms: Number(loaded - started) / 1e6,
    network: touched.length,
    handler: typeof module.handler,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  }),
);
process.exit(0);
