import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');

/** The extensions of the three kinds of certificate the seal's tests need. */
const EXTENSIONS = {
  ca: 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n',
  seal: 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,nonRepudiation\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  tsa: 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
};

/** Runs a tool in `cwd`; a missing tool or a failure is an error that says what to install or what it printed. */
export function run(command: string, args: string[], cwd?: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${command} is not installed: these tests need openssl and poppler-utils (pdfsig)`);
  }
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout + result.stderr;
}

/** Throwaway keys and certificates made with openssl in one folder, for the seal's tests. */
export class TestPki {
  constructor(readonly dir: string) {}

  /** An RSA key `name`.key and a certificate `name`.crt issued by `ca` (self-signed without one); returns the certificate. */
  issue(name: string, subject: string, kind: keyof typeof EXTENSIONS, ca?: string): string {
    writeFileSync(join(this.dir, `${name}.ext`), EXTENSIONS[kind]);
    const req = ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`];
    run('openssl', [...req, '-utf8', '-subj', subject], this.dir);
    const signing = ca
      ? ['-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-CAserial', `${ca}.srl`]
      : ['-signkey', `${name}.key`];
    const x509 = ['x509', '-req', '-in', `${name}.csr`, ...signing, '-days', '30', '-sha256'];
    run('openssl', [...x509, '-extfile', `${name}.ext`, '-out', `${name}.crt`], this.dir);
    return join(this.dir, `${name}.crt`);
  }

  /** The key and certificate `name` with its CA's certificate in `name`.p12. */
  p12(name: string, ca: string, passphrase: string): string {
    const files = ['-inkey', `${name}.key`, '-in', `${name}.crt`, '-certfile', `${ca}.crt`, '-out', `${name}.p12`];
    run('openssl', ['pkcs12', '-export', ...files, '-passout', `pass:${passphrase}`], this.dir);
    return join(this.dir, `${name}.p12`);
  }

  /**
   * The development TSA (stack/tsa/tsa-server.mjs) answering with `tsa`.key/.crt of this folder,
   * its chain the certificate of `ca`; on a free port.
   */
  async startTsa(ca: string): Promise<{ url: string; stop: () => void }> {
    copyFileSync(join(this.dir, `${ca}.crt`), join(this.dir, 'chain.crt'));
    const server: ChildProcess = spawn(
      process.execPath,
      [join(ROOT, 'stack/tsa/tsa-server.mjs'), '--dir', this.dir, '--port', '0'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const url = await new Promise<string>((done, fail) => {
      server.once('exit', (code) => fail(new Error(`tsa-server exited with ${code}`)));
      server.stdout!.on('data', (chunk: Buffer) => {
        const match = /TSA listening on (\S+)/.exec(chunk.toString());
        if (match) done(match[1]!);
      });
    });
    return { url, stop: () => server.kill('SIGTERM') };
  }
}
