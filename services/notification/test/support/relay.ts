import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay in front of a real server (here MailDev's SMTP) standing in for its network:
 * closing it is an outage, opening it again on the same port is the recovery.
 */
export class TcpRelay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  open(): Promise<void> {
    return new Promise((resolve) => {
      this.server = createServer((client) => {
        const upstream = connect(this.targetPort, this.targetHost);
        this.sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const drop = () => [client, upstream].forEach((s) => s.destroy());
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
      });
      this.server.listen(this.port, '127.0.0.1', () => {
        this.port = (this.server!.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.sockets.forEach((s) => s.destroy());
      this.sockets.clear();
      this.server = undefined;
    });
  }
}
