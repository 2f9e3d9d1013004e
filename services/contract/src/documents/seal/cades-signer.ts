import { createHash, webcrypto } from 'node:crypto';
import { Signer } from '@signpdf/utils';
import * as asn1js from 'asn1js';
import forge from 'node-forge';
import * as pkijs from 'pkijs';
import { ID_AA_SIGNATURE_TIME_STAMP_TOKEN, nodeCryptoEngine, toArrayBuffer, type TsaClient } from './tsa-client';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  /** ESS signing-certificate-v2 (RFC 5035): binds the signature to the seal's certificate. */
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  organizationName: '2.5.4.10',
  commonName: '2.5.4.3',
};

/** What a PKCS#12 file holds for the seal: the RSA key, its certificate first, then the rest of the chain. */
export interface SealCredentials {
  privateKeyPkcs8: Buffer;
  /** DER, the seal's own certificate first. */
  chain: Buffer[];
}

/**
 * Reads a PKCS#12 file with node-forge (the library @signpdf/signer-p12 uses). RSA keys only:
 * node-forge reads neither EC nor GOST keys from PKCS#12.
 */
export function readPkcs12(p12: Buffer, passphrase: string): SealCredentials {
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString('binary')), false, passphrase);
  } catch (e) {
    throw new Error(`not a PKCS#12 file this passphrase opens (${(e as Error).message})`);
  }
  const keys = [
    ...(parsed.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(parsed.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const key = keys.find((bag) => bag.key)?.key;
  if (!key) throw new Error('the PKCS#12 file holds no private key that node-forge can read (RSA only)');
  const certs = (parsed.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [])
    .map((bag) => bag.cert)
    .filter((cert): cert is forge.pki.Certificate => Boolean(cert));
  const own = certs.find((cert) => {
    const pub = cert.publicKey as forge.pki.rsa.PublicKey;
    return pub.n?.compareTo(key.n) === 0 && pub.e?.compareTo(key.e) === 0;
  });
  if (!own) throw new Error('the PKCS#12 file holds no certificate for its private key');
  const der = (cert: forge.pki.Certificate) =>
    Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  return {
    privateKeyPkcs8: Buffer.from(
      forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key))).getBytes(),
      'binary',
    ),
    chain: [own, ...certs.filter((cert) => cert !== own)].map(der),
  };
}

/**
 * A detached CMS signature in the CAdES form PAdES baseline B asks for (ETSI EN 319 142-1):
 * signed attributes content-type, message-digest and signing-certificate-v2, no signing-time
 * (the PDF's /M says when), SHA-256 with RSA. With a TSA, the SignerInfo also gets an
 * unsigned signature-time-stamp attribute over the signature value (baseline B-T).
 *
 * Without a TSA the output depends only on the PDF bytes and the key (RSA PKCS#1 v1.5 is
 * deterministic), so the same input gives the same signature.
 */
export class CadesSigner extends Signer {
  private readonly engine = nodeCryptoEngine();
  private readonly certificates: pkijs.Certificate[];
  private keyPromise?: Promise<webcrypto.CryptoKey>;

  constructor(
    private readonly credentials: SealCredentials,
    private readonly tsa?: TsaClient,
  ) {
    super();
    this.certificates = credentials.chain.map((der) => pkijs.Certificate.fromBER(der));
  }

  get certificate(): pkijs.Certificate {
    return this.certificates[0];
  }

  /** Room the signature needs in /Contents, in bytes: certificates, the signature itself, a token. */
  get maxSignatureLength(): number {
    const certs = this.credentials.chain.reduce((sum, der) => sum + der.length, 0);
    return certs + 4096 + (this.tsa ? 12_288 : 0);
  }

  /** @param data the PDF without the /Contents placeholder, as @signpdf/signpdf hands it over */
  override async sign(data: Buffer): Promise<Buffer> {
    const signed = new pkijs.SignedData({
      version: 1,
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
      signerInfos: [
        new pkijs.SignerInfo({
          version: 1,
          sid: new pkijs.IssuerAndSerialNumber({
            issuer: this.certificate.issuer,
            serialNumber: this.certificate.serialNumber,
          }),
          signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: this.signedAttributes(data) }),
        }),
      ],
      certificates: this.certificates,
    });
    await signed.sign(await this.key(), 0, 'SHA-256', toArrayBuffer(data), this.engine);

    if (this.tsa) {
      const signerInfo = signed.signerInfos[0];
      const token = await this.tsa.timestamp(Buffer.from(signerInfo.signature.valueBlock.valueHexView));
      signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
        type: 1,
        attributes: [new pkijs.Attribute({ type: ID_AA_SIGNATURE_TIME_STAMP_TOKEN, values: [token.toSchema()] })],
      });
    }

    const cms = new pkijs.ContentInfo({ contentType: OID.signedData, content: signed.toSchema(true) });
    return Buffer.from(cms.toSchema().toBER());
  }

  private signedAttributes(data: Buffer): pkijs.Attribute[] {
    const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();
    const attributes = [
      new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
      new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: sha256(data) })] }),
      new pkijs.Attribute({
        type: OID.signingCertificateV2,
        // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 ::=
        // SEQUENCE { hashAlgorithm DEFAULT sha256 (so omitted), certHash, issuerSerial }
        values: [
          new asn1js.Sequence({
            value: [
              new asn1js.Sequence({
                value: [
                  new asn1js.Sequence({
                    value: [
                      new asn1js.OctetString({ valueHex: sha256(this.credentials.chain[0]) }),
                      new asn1js.Sequence({
                        value: [
                          new pkijs.GeneralNames({
                            names: [new pkijs.GeneralName({ type: 4, value: this.certificate.issuer })],
                          }).toSchema(),
                          this.certificate.serialNumber,
                        ],
                      }),
                    ],
                  }),
                ],
              }),
            ],
          }),
        ],
      }),
    ];
    // SET OF in DER is sorted by encoding.
    const der = (a: pkijs.Attribute) => Buffer.from(a.toSchema().toBER());
    return attributes.sort((a, b) => Buffer.compare(der(a), der(b)));
  }

  private key(): Promise<webcrypto.CryptoKey> {
    this.keyPromise ??= webcrypto.subtle.importKey(
      'pkcs8',
      this.credentials.privateKeyPkcs8,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    return this.keyPromise;
  }
}

/** Values of one attribute type in a certificate's subject or issuer name. */
export function nameValues(name: pkijs.RelativeDistinguishedNames, oid: 'organizationName' | 'commonName'): string[] {
  return name.typesAndValues.filter((tv) => tv.type === OID[oid]).map((tv) => String(tv.value.valueBlock.value));
}
