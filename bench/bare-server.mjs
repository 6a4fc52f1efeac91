// The ceiling for Node on this machine: a bare node:http server that reads and parses the same
// JSON body and answers a Bitrix-sized envelope. Every figure of ours is reported against it.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let params = {};
    try {
      params = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch {}
    const now = Date.now();
    const body = JSON.stringify({
      result: Object.keys(params).length > 0,
      time: {
        start: now / 1000,
        finish: now / 1000,
        duration: 0.0001,
        processing: 0.0001,
        date_start: new Date(now).toISOString(),
        date_finish: new Date(now).toISOString(),
        operating_reset_at: Math.floor(now / 1000) + 600,
        operating: 0,
      },
    });
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.listen(port, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
