// The ceiling for Node on this machine: a bare node:http server that reads and parses the JSON
// body and answers a canned Bitrix envelope. `POST /_canned/<name>` stores the body to answer
// on `/<name>` (the benchmark gives it our real answer, so both send the same bytes); any other
// path answers a small envelope.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const canned = new Map();

function envelope() {
  const now = Date.now();
  return JSON.stringify({
    result: true,
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
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    if (req.url.startsWith('/_canned/')) {
      canned.set(req.url.slice('/_canned'.length), text);
      res.writeHead(204).end();
      return;
    }
    try {
      if (text) JSON.parse(text);
    } catch {}
    const body = canned.get(req.url) ?? envelope();
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.listen(port, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
