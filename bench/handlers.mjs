// Event handlers for bench/events.mjs, in a process of their own (so their work is neither the
// server's nor the load generator's): `node bench/handlers.mjs N` listens on N loopback ports,
// answers every POST `ok`, prints `listening on <the first port>`, and answers `GET /_ports` with
// all the ports (JSON) and `GET /_received` with how many POSTs all of them have received.
import { createServer } from 'node:http';

const count = Number(process.argv[2] ?? 10);
let received = 0;
const servers = await Promise.all(
  Array.from({ length: count }, async () => {
    const server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/_received') {
        res.end(String(received));
        return;
      }
      if (req.method === 'GET' && req.url === '/_ports') {
        res.end(JSON.stringify(servers.map((s) => s.address().port)));
        return;
      }
      req.resume();
      req.on('end', () => {
        received++;
        res.end('ok');
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  }),
);
console.log(`listening on ${servers[0].address().port}`);
