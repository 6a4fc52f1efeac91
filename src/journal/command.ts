/**
 * `b24-booking journal [--portal NAME] [--method GLOB] [--status 4xx] [--since ID] [--limit N]
 * [--follow]`: a running server's journal (`--url`, `--admin-token`), one JSON entry a line,
 * oldest first. With `--follow` it goes on printing new entries as they come (the stream), until
 * the server stops or the command is interrupted.
 */
export interface JournalCommand {
  /** Where the server answers, e.g. http://127.0.0.1:8080. */
  url: string;
  adminToken: string;
  portal: string;
  /** As given on the command line: the server checks them (GET .../journal's query). */
  filter: Partial<Record<'method' | 'status' | 'since' | 'limit', string>>;
  follow: boolean;
}

export async function journalCommand(command: JournalCommand, print = (line: string) => console.log(line)) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(command.filter)) if (value !== undefined) query.set(name, String(value));
  // Followed from the start of what is kept (or after --since): one stream, so nothing falls
  // between a read and the stream's start.
  if (command.follow && !query.has('since')) query.set('since', '0');
  const path = `${command.url}/_admin/portals/${encodeURIComponent(command.portal)}/journal`;
  const res = await fetch(`${path}${command.follow ? '/stream' : ''}?${query}`, {
    headers: { authorization: `Bearer ${command.adminToken}` },
  });
  if (!res.ok) {
    const text = await res.text();
    let reason = text;
    try {
      const body = JSON.parse(text) as { error?: string; error_description?: string };
      reason = `${body.error}: ${body.error_description}`;
    } catch {
      // Not the server's JSON: shown as it came.
    }
    throw new Error(`the server answered ${res.status} (${reason})`);
  }
  if (!command.follow) {
    const { entries } = (await res.json()) as { entries: unknown[] };
    for (const entry of entries) print(JSON.stringify(entry));
    return;
  }
  await printEvents(res, print);
}

/** Each event's `data` (one entry's JSON) as it arrives, until the stream ends. */
async function printEvents(res: Response, print: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(chunk, { stream: true });
    let end = pending.indexOf('\n\n');
    while (end !== -1) {
      for (const line of pending.slice(0, end).split('\n')) if (line.startsWith('data: ')) print(line.slice(6));
      pending = pending.slice(end + 2);
      end = pending.indexOf('\n\n');
    }
  }
}
