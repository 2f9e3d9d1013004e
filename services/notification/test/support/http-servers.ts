import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { close, listen } from '@otus/testing';

export interface ContractServer {
  url: string;
  documents: Map<string, Buffer>;
  /** The process events posted, in order; `failEvents` answers them with 503 instead. */
  events: { applicationId: string; body: Record<string, unknown> }[];
  failEvents: boolean;
  /** The x-internal-token of every request, in order. */
  tokens: (string | undefined)[];
  /** The download-link tokens issued, by document id (POST /internal/documents/{id}/download-links). */
  downloadLinks: Map<string, string[]>;
  /** Why each application declined (GET /internal/applications/{id}/decline-reason; unknown: 404). */
  declines: Map<string, { reasonCode: string; reasonText: string | null }>;
  close(): Promise<void>;
}

/**
 * Stands in for the contract service's internal routes: GET /internal/documents/{id}
 * (application/pdf), POST /internal/documents/{id}/download-links (for a known document),
 * GET /internal/applications/{id}/decline-reason and POST /internal/applications/{id}/process-events.
 */
export async function startContractServer(expectedToken: string): Promise<ContractServer> {
  const documents = new Map<string, Buffer>();
  const events: ContractServer['events'] = [];
  const tokens: (string | undefined)[] = [];
  const downloadLinks = new Map<string, string[]>();
  const declines: ContractServer['declines'] = new Map();
  const server = createServer((req, res) => {
    const token = req.headers['x-internal-token'] as string | undefined;
    tokens.push(token);
    if (token !== expectedToken) return void res.writeHead(401).end();
    const decline = /^\/internal\/applications\/([^/]+)\/decline-reason$/.exec(req.url ?? '');
    if (req.method === 'GET' && decline) {
      const reason = declines.get(decodeURIComponent(decline[1]));
      if (!reason)
        return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"NOT_DECLINED"}');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reason));
    }
    const event = /^\/internal\/applications\/([^/]+)\/process-events$/.exec(req.url ?? '');
    if (req.method === 'POST' && event) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (contract.failEvents) return void res.writeHead(503).end();
        events.push({
          applicationId: decodeURIComponent(event[1]),
          body: JSON.parse(Buffer.concat(chunks).toString()),
        });
        res.writeHead(204).end();
      });
      return;
    }
    const link = /^\/internal\/documents\/([^/]+)\/download-links$/.exec(req.url ?? '');
    if (req.method === 'POST' && link) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const id = decodeURIComponent(link[1]);
        const { applicationId } = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { applicationId?: unknown };
        if (typeof applicationId !== 'string') return void res.writeHead(400).end();
        if (!documents.has(id)) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
        const issued = randomBytes(32).toString('base64url');
        downloadLinks.set(id, [...(downloadLinks.get(id) ?? []), issued]);
        const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ token: issued, expiresAt }));
      });
      return;
    }
    const match = /^\/internal\/documents\/([^/]+)$/.exec(req.url ?? '');
    const body = match && documents.get(decodeURIComponent(match[1]));
    if (!body) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"NOT_FOUND"}');
    res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': body.length }).end(body);
  });
  const url = await listen(server);
  const contract: ContractServer = {
    url,
    documents,
    events,
    failEvents: false,
    tokens,
    downloadLinks,
    declines,
    close: () => close(server),
  };
  return contract;
}

export interface CourseServer {
  url: string;
  /** Each course's staff notice settings as the course service answers them (unknown: 404). */
  staff: Map<string, { title: string; recipients: string[]; dailyDigest: boolean }>;
  /** Answer 503 to everything (the course service down). */
  down: boolean;
  close(): Promise<void>;
}

/** Stands in for the course service's GET /internal/courses/{code}/staff-recipients. */
export async function startCourseServer(expectedToken: string): Promise<CourseServer> {
  const staff: CourseServer['staff'] = new Map();
  const server = createServer((req, res) => {
    if (course.down) return void res.writeHead(503).end();
    if (req.headers['x-internal-token'] !== expectedToken) return void res.writeHead(401).end();
    const match = /^\/internal\/courses\/([^/]+)\/staff-recipients$/.exec(req.url ?? '');
    const code = match && decodeURIComponent(match[1]);
    const found = code && staff.get(code);
    if (!found)
      return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"COURSE_NOT_FOUND"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code, ...found }));
  });
  const url = await listen(server);
  const course: CourseServer = { url, staff, down: false, close: () => close(server) };
  return course;
}

/** A small but real PDF: one page with a line of text, and some random bytes so each is unique. */
export function pdfBytes(label: string): Buffer {
  const stream = `BT /F1 18 Tf 72 720 Td (${label}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.concat([Buffer.from(pdf, 'latin1'), Buffer.from(`%${Math.random().toString(36)}\n`)]);
}
