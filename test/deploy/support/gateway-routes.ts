/**
 * What the NGINX gateway (gateway/gateway.conf.template) does with a request path, read from the
 * template itself: a small reader of nginx's configuration syntax and nginx's choice of location
 * (an exact match; else the longest prefix, final if `^~`; else the first matching regex in
 * order; else that longest prefix). The Ingress tests compare the chart's routing with this.
 */

export interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}

export interface Location {
  modifier: '' | '=' | '^~' | '~' | '~*';
  match: string;
  directives: Directive[];
}

/** What the gateway does with a path it passes on; null when it answers itself (404, /healthz…). */
export interface GatewayRoute {
  location: Location;
  /** The upstream block's name without `_service`: user, contract, …, engine. */
  service: string;
  /** The path the upstream sees. */
  upstreamPath: string;
  /** The auth_request subrequest's path at the user service (/auth/check/staff), or null. */
  authCheck: string | null;
  /** The limit_req zone, or null. */
  zone: string | null;
  /** client_max_body_size of the location, else of the server. */
  bodySize: string;
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (c === '#') while (i < text.length && text[i] !== '\n') i++;
    else if (c === '{' || c === '}' || c === ';') tokens.push(text[i++]);
    else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      tokens.push(text.slice(i + 1, j));
      i = j + 1;
    } else {
      let j = i;
      // A ${NAME} placeholder of the template is part of the word, braces and all.
      while (j < text.length && !/[\s{};"']/.test(text[j]))
        j = text.startsWith('${', j) ? text.indexOf('}', j) + 1 : j + 1;
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

export function parseNginx(text: string): Directive[] {
  const tokens = tokenize(text);
  let at = 0;
  const list = (): Directive[] => {
    const out: Directive[] = [];
    while (at < tokens.length && tokens[at] !== '}') {
      const words: string[] = [];
      while (at < tokens.length && tokens[at] !== ';' && tokens[at] !== '{') words.push(tokens[at++]);
      if (tokens[at++] === '{') {
        out.push({ name: words[0], args: words.slice(1), block: list() });
        if (tokens[at++] !== '}') throw new Error(`unclosed block ${words.join(' ')}`);
      } else out.push({ name: words[0], args: words.slice(1) });
    }
    return out;
  };
  const top = list();
  if (at < tokens.length) throw new Error(`unexpected } at token ${at}`);
  return top;
}

const arg = (directives: Directive[], name: string): string[] | undefined =>
  directives.find((d) => d.name === name)?.args;

/** Bytes of an nginx size (1m, 512k, 100). */
export function sizeBytes(size: string): number {
  const m = /^(\d+)([kmg]?)$/i.exec(size);
  if (!m) throw new Error(`not an nginx size: ${size}`);
  return Number(m[1]) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
}

export class Gateway {
  readonly server: Directive[];
  readonly locations: Location[];
  private readonly http: Directive[];

  constructor(text: string) {
    this.http = parseNginx(text);
    const servers = this.http.filter((d) => d.name === 'server');
    if (servers.length !== 1) throw new Error(`expected one server block, found ${servers.length}`);
    this.server = servers[0].block!;
    this.locations = this.server
      .filter((d) => d.name === 'location' && !d.args[0].startsWith('@'))
      .map((d) => {
        const [modifier, match] = d.args.length === 2 ? d.args : ['', d.args[0]];
        return { modifier: modifier as Location['modifier'], match, directives: d.block! };
      });
  }

  /** nginx's choice of location for a (normalised) request path. */
  select(path: string): Location | undefined {
    const exact = this.locations.find((l) => l.modifier === '=' && l.match === path);
    if (exact) return exact;
    const [longest] = this.locations
      .filter((l) => (l.modifier === '' || l.modifier === '^~') && path.startsWith(l.match))
      .sort((a, b) => b.match.length - a.match.length);
    if (longest?.modifier === '^~') return longest;
    const regex = this.locations.find(
      (l) =>
        (l.modifier === '~' || l.modifier === '~*') && new RegExp(l.match, l.modifier === '~*' ? 'i' : '').test(path),
    );
    return regex ?? longest;
  }

  /** Requests per minute of a limit_req zone. */
  zoneRate(zone: string): number {
    const d = this.http.find((x) => x.name === 'limit_req_zone' && x.args.some((a) => a.startsWith(`zone=${zone}:`)));
    const m = /^rate=(\d+)r\/([sm])$/.exec(d?.args.find((a) => a.startsWith('rate=')) ?? '');
    if (!m) throw new Error(`no limit_req_zone ${zone}`);
    return Number(m[1]) * (m[2] === 's' ? 60 : 1);
  }

  bodySize(location: Location): string {
    return (arg(location.directives, 'client_max_body_size') ?? arg(this.server, 'client_max_body_size')!)[0];
  }

  /** The location passes requests on to a service without an auth_request (anyone may call it). */
  isPublic(location: Location): boolean {
    const names = location.directives.map((d) => d.name);
    return names.includes('proxy_pass') && !names.includes('auth_request') && !names.includes('internal');
  }

  route(path: string): GatewayRoute | null {
    const location = this.select(path);
    if (!location || location.directives.some((d) => d.name === 'internal')) return null;
    const pass = arg(location.directives, 'proxy_pass');
    if (!pass) return null;
    const [, upstream, uri] = /^http:\/\/([^/]+)(\/.*)?$/.exec(pass[0])!;
    // With a URI, proxy_pass replaces the part the (exact or prefix) location matched.
    const regex = location.modifier === '~' || location.modifier === '~*';
    const upstreamPath = uri !== undefined && !regex ? uri + path.slice(location.match.length) : path;
    const auth = arg(location.directives, 'auth_request')?.[0];
    let authCheck: string | null = null;
    if (auth) {
      const target = this.locations.find((l) => l.modifier === '=' && l.match === auth);
      authCheck = /^http:\/\/user_service(\/\S+)$/.exec(arg(target?.directives ?? [], 'proxy_pass')?.[0] ?? '')![1];
    }
    const zone = /^zone=(\S+)$/.exec(arg(location.directives, 'limit_req')?.[0] ?? '')?.[1] ?? null;
    return {
      location,
      service: upstream.replace(/_service$/, ''),
      upstreamPath,
      authCheck,
      zone,
      bodySize: this.bodySize(location),
    };
  }
}
