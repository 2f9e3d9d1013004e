import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { clientAudience, SealedBox, commonErrors } from '@otus/common';
import { decodeProtectedHeader, importJWK, type JWK, type JWTPayload, jwtVerify, type KeyLike, SignJWT } from 'jose';
import { DataSource, MoreThan, Repository } from 'typeorm';
import type { UserEnv } from '../config';
import { SigningKey, SigningKeyStatus } from './signing-key.entity';

export type Audience = 'staff' | 'client';

const SEAL_CONTEXT = 'signing-key';
// Serialises key creation across replicas starting at the same moment.
const KEY_LOCK = 0x07_05_cafe;
/** A compact JWS: three base64url parts. Ours are about 600 characters; anything far longer is not ours. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 4096;
/** Keys loaded this long ago are reloaded in the background on the next verification (another replica rotated). */
const VERIFY_KEYS_MAX_AGE_MS = 60_000;

interface VerificationKey {
  key: KeyLike | Uint8Array;
  retiredAt: number | null;
}

/**
 * Signs every token the system issues (staff access, CRM per-request, client link sessions)
 * and publishes the public keys. Rotation keeps the retired key in the JWKS for as long as a
 * token it signed can live, so rotating never logs anyone out.
 */
@Injectable()
export class KeyService implements OnModuleInit {
  private readonly logger = new Logger(KeyService.name);
  private readonly box: SealedBox;
  private readonly issuer: string;
  private readonly staffAudience: string;
  private readonly longestTokenMs: number;
  private readonly reloadMinIntervalMs: number;
  private signing?: { kid: string; key: KeyLike | Uint8Array; loadedAt: number };
  /** The published keys by kid, in memory: verifying a token costs no query. */
  private verifying = new Map<string, VerificationKey>();
  private verifyingLoadedAt = 0;
  private reloading?: Promise<void>;

  constructor(
    @InjectRepository(SigningKey) private readonly keys: Repository<SigningKey>,
    @InjectDataSource() private readonly db: DataSource,
    config: ConfigService<UserEnv, true>,
  ) {
    this.box = new SealedBox(config.get('USER_KEY_SEAL_KEYS', { infer: true }));
    this.issuer = config.get('AUTH_ISSUER', { infer: true });
    this.staffAudience = config.get('AUTH_AUDIENCE', { infer: true });
    this.longestTokenMs = Math.max(
      config.get('USER_ACCESS_TOKEN_TTL', { infer: true }),
      config.get('USER_CLIENT_SESSION_TTL', { infer: true }),
      config.get('USER_CRM_TOKEN_TTL', { infer: true }),
    );
    this.reloadMinIntervalMs = config.get('USER_KEY_RELOAD_MIN_INTERVAL', { infer: true });
  }

  async onModuleInit(): Promise<void> {
    await this.db.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      if (!(await em.existsBy(SigningKey, { status: SigningKeyStatus.Active }))) {
        await em.save(this.generate());
        this.logger.log('created the first signing key');
      }
    });
    await this.reloadVerificationKeys();
  }

  async sign(claims: JWTPayload, subject: string, audience: Audience, ttlMs: number): Promise<string> {
    const { kid, key } = await this.activeKey();
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(this.audience(audience))
      .setSubject(subject)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(new Date(Date.now() + ttlMs))
      .sign(key);
  }

  /**
   * Verifies a token this service issued (used by the gateway check), against the keys in
   * memory. A header that is not a JWT is refused before anything is looked up; an unknown
   * `kid` reloads the keys at most once per USER_KEY_RELOAD_MIN_INTERVAL, so random kids
   * cannot make every request a query.
   */
  async verify(token: string, audience: Audience): Promise<JWTPayload & { sub: string }> {
    const invalid = () => commonErrors.UNAUTHENTICATED('The token is not valid');
    if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) throw invalid();
    let kid: unknown;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== 'ES256') throw invalid();
      kid = header.kid;
    } catch {
      throw invalid();
    }
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > 64) throw invalid();
    const key = await this.verificationKey(kid);
    if (!key) throw invalid();
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: this.issuer,
        audience: this.audience(audience),
        algorithms: ['ES256'],
      });
      if (!payload.sub) throw invalid();
      return payload as JWTPayload & { sub: string };
    } catch {
      throw invalid();
    }
  }

  /** The active key and every retired key whose tokens may still be alive. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const keys = await this.keys.find({
      where: [
        { status: SigningKeyStatus.Active },
        { status: SigningKeyStatus.Retired, retiredAt: MoreThan(new Date(Date.now() - this.longestTokenMs)) },
      ],
      order: { createdAt: 'DESC' },
    });
    return { keys: keys.map((k) => k.publicJwk) };
  }

  async list(): Promise<SigningKey[]> {
    return this.keys.find({ order: { createdAt: 'DESC' } });
  }

  /** A new key signs from now on; the old one keeps verifying until its last token expires. */
  async rotate(): Promise<SigningKey> {
    const created = await this.db.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      await em.update(
        SigningKey,
        { status: SigningKeyStatus.Active },
        { status: SigningKeyStatus.Retired, retiredAt: new Date() },
      );
      return em.save(this.generate());
    });
    this.signing = undefined;
    await this.reloading?.catch(() => undefined);
    await this.reloadVerificationKeys();
    this.logger.log({ kid: created.kid }, 'rotated the signing key');
    return created;
  }

  private async verificationKey(kid: string): Promise<KeyLike | Uint8Array | undefined> {
    let found = this.verifying.get(kid);
    const age = Date.now() - this.verifyingLoadedAt;
    if (!found && age >= this.reloadMinIntervalMs) {
      await this.reloadVerificationKeys();
      found = this.verifying.get(kid);
    } else if (age >= VERIFY_KEYS_MAX_AGE_MS) {
      this.reloadVerificationKeys().catch((e: unknown) => this.logger.warn({ err: e }, 'reloading the keys failed'));
    }
    // A retired key verifies until the longest token it can have signed has expired, as the JWKS says.
    if (!found || (found.retiredAt !== null && found.retiredAt <= Date.now() - this.longestTokenMs)) return undefined;
    return found.key;
  }

  /** One reload at a time; the interval counts from its start, so a failing database is not asked more often. */
  private reloadVerificationKeys(): Promise<void> {
    this.reloading ??= (async () => {
      this.verifyingLoadedAt = Date.now();
      const rows = await this.keys.find({
        where: [
          { status: SigningKeyStatus.Active },
          { status: SigningKeyStatus.Retired, retiredAt: MoreThan(new Date(Date.now() - this.longestTokenMs)) },
        ],
      });
      const next = new Map<string, VerificationKey>();
      for (const row of rows) {
        next.set(row.kid, {
          key: await importJWK(row.publicJwk, 'ES256'),
          retiredAt: row.retiredAt?.getTime() ?? null,
        });
      }
      this.verifying = next;
    })().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async activeKey() {
    // Other replicas pick up a rotation within a minute; until then their key still verifies.
    if (!this.signing || Date.now() - this.signing.loadedAt > 60_000) {
      const row = await this.keys.findOne({ where: { status: SigningKeyStatus.Active }, order: { createdAt: 'DESC' } });
      if (!row) throw new Error('No active signing key');
      const jwk = JSON.parse(this.box.open(row.privateKeySealed, SEAL_CONTEXT).toString('utf8')) as JWK;
      this.signing = { kid: row.kid, key: await importJWK(jwk, 'ES256'), loadedAt: Date.now() };
    }
    return this.signing;
  }

  private generate(): SigningKey {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = `k-${randomUUID()}`;
    const privateJwk = privateKey.export({ format: 'jwk' });
    const { d: _private, ...publicJwk } = privateJwk;
    return this.keys.create({
      kid,
      publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' },
      privateKeySealed: this.box.seal(JSON.stringify(privateJwk), SEAL_CONTEXT),
      status: SigningKeyStatus.Active,
      retiredAt: null,
    });
  }

  private audience(audience: Audience): string {
    return audience === 'staff' ? this.staffAudience : clientAudience(this.staffAudience);
  }
}
