import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** id-aa-signatureTimeStampToken (RFC 3161 appendix A): the unsigned attribute carrying the token. */
export const ID_AA_SIGNATURE_TIME_STAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';

/**
 * Asks an RFC 3161 timestamp authority for a token over `data` (SHA-256 imprint, a random nonce,
 * the TSA's certificate requested) and checks what comes back: granted, the imprint and nonce
 * we sent, and the token's own signature against the certificate it carries. Whether that
 * certificate is a TSA anyone trusts is for the verifier of the PDF to decide.
 */
export class TsaClient {
  constructor(
    readonly url: string,
    private readonly timeoutMs: number,
    private readonly engine: pkijs.ICryptoEngine,
  ) {}

  async timestamp(data: Buffer): Promise<pkijs.ContentInfo> {
    const nonce = randomBytes(8);
    nonce[0] = (nonce[0] & 0x3f) | 0x40; // positive and minimal: DER keeps all eight bytes
    const request = new pkijs.TimeStampReq({
      version: 1,
      messageImprint: new pkijs.MessageImprint({
        hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: pkijs.id_sha256 }),
        hashedMessage: new asn1js.OctetString({ valueHex: createHash('sha256').update(data).digest() }),
      }),
      nonce: new asn1js.Integer({ valueHex: nonce }),
      certReq: true,
    });

    let body: Buffer;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
        body: new Uint8Array(request.toSchema().toBER()),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      body = Buffer.from(await response.arrayBuffer());
    } catch (e) {
      throw new Error(`timestamp authority ${this.url} did not answer: ${(e as Error).message}`);
    }

    const reply = pkijs.TimeStampResp.fromBER(body);
    const status = reply.status.status;
    if ((status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods) || !reply.timeStampToken) {
      const text = reply.status.statusStrings?.map((s) => s.valueBlock.value).join('; ');
      throw new Error(
        `timestamp authority ${this.url} refused the request: status ${status}${text ? ` (${text})` : ''}`,
      );
    }
    const token = reply.timeStampToken;
    const signed = new pkijs.SignedData({ schema: token.content });
    const eContent = signed.encapContentInfo.eContent;
    if (signed.encapContentInfo.eContentType !== pkijs.id_eContentType_TSTInfo || !eContent) {
      throw new Error(`timestamp authority ${this.url} answered with something that is not a TSTInfo`);
    }
    const info = pkijs.TSTInfo.fromBER(eContent.getValue());
    if (!(await info.verify({ data: toArrayBuffer(data) }, this.engine))) {
      throw new Error(`timestamp authority ${this.url} stamped another message imprint`);
    }
    if (!info.nonce || Buffer.compare(Buffer.from(info.nonce.valueBlock.valueHexView), nonce) !== 0) {
      throw new Error(`timestamp authority ${this.url} answered with another nonce`);
    }
    // With a TSTInfo inside, pkijs also checks the message imprint against `data`.
    const valid = await signed
      .verify({ signer: 0, checkChain: false, data: toArrayBuffer(data) }, this.engine)
      .catch(() => false);
    if (!valid) throw new Error(`timestamp authority ${this.url} sent a token whose signature does not verify`);
    return token;
  }
}

/** pkijs on Node's WebCrypto. */
export function nodeCryptoEngine(): pkijs.CryptoEngine {
  return new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto });
}

export function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}
