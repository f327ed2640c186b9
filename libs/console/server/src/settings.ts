import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { callerTokenSettings, readPemSetting, tokenVerifierFromSettings, type ClientTransport } from '@govern/platform-auth';
import { DEFAULT_ADDRESSES } from '@govern/platform-clients';
import { ConfigError, settings, type Logger } from '@govern/platform-core';
import type { ConsoleAuth } from './auth/sign-in';
import { LOCALES, type Locale } from './i18n/locale';
import type { ConsoleOptions } from './start-console';

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

const grpcAddress = (fallback: string) => z.string().regex(/^[^\s/]+:\d{1,5}$/, 'HOST:PORT').default(fallback);

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/**
 * The console's settings, as a deployment gives them (environment strings). `main.ts` parses
 * them once; `consoleOptionsFromSettings` turns them into `startConsole` options.
 */
export const consoleSettings = z.object({
  HOST: settings.host(),
  PORT: settings.port(8080),
  /** The URL people open (behind an ingress: its https URL). Sets OIDC's redirect URI and Secure cookies. */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  CONTENT_ADDRESS: grpcAddress(DEFAULT_ADDRESSES.content),
  PRODUCT_QUALITY_ADDRESS: grpcAddress(DEFAULT_ADDRESSES.productQuality),
  MERCHANT_ACCESS_ADDRESS: grpcAddress(DEFAULT_ADDRESSES.merchantAccess),
  CONSUMER_EXPERIENCE_ADDRESS: grpcAddress(DEFAULT_ADDRESSES.consumerExperience),
  /** CA the services' certificates chain to (PEM or file): gRPC goes over TLS when set. */
  GRPC_TLS_CA: z.string().min(1).optional(),
  /** The console's own client certificate and key, for services that require one (mTLS). Never a substitute for the operator's token. */
  GRPC_TLS_CERT: z.string().min(1).optional(),
  GRPC_TLS_KEY: z.string().min(1).optional(),
  /** Name the services' certificates carry when it differs from the address dialled. */
  GRPC_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Development only: call the services in plaintext when GRPC_TLS_CA is not set. */
  ALLOW_INSECURE_PLAINTEXT: flag(false),
  /** `oidc`: people sign in with the organisation's issuer. `dev`: a development login signs tokens with the dev key. */
  AUTH_MODE: z.enum(['oidc', 'dev']).default('oidc'),
  /** Dev mode: the development PKI (CA, token-signing key), shared with `npm start`. */
  DEV_PKI_DIR: z.string().min(1).default('tmp/embedded/pki'),
  /** OIDC: the issuer's URL (its /.well-known/openid-configuration is read on first sign-in). */
  OIDC_ISSUER_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** OIDC: confidential clients only; a public client uses PKCE alone. */
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_SCOPES: z.string().min(1).default('openid profile'),
  /** How the access tokens the issuer hands out are verified: the same settings the services take. */
  ...callerTokenSettings,
  /** Key material for the session cookie (at least 32 characters). Required with OIDC; random per process in dev mode. */
  SESSION_SECRET: settings.secret(32).optional(),
  DEFAULT_LOCALE: z.enum(LOCALES).default('zh-CN'),
  /** Day and week boundaries of the report's charts. */
  REPORT_TIME_ZONE: z.string().refine(isTimeZone, 'an IANA time zone, e.g. Asia/Shanghai').default('Asia/Shanghai'),
  /** How often the live page asks the content service for the livestreams it shows. */
  LIVE_POLL_MS: settings.milliseconds(1_000),
  LOG_LEVEL: settings.logLevel(),
  SHUTDOWN_GRACE_MS: settings.milliseconds(10_000),
});

export type ConsoleSettings = z.infer<typeof consoleSettings>;

const clientTransportOf = (config: ConsoleSettings, readFile: (path: string) => Buffer): ClientTransport => {
  if (!config.GRPC_TLS_CA) {
    const tlsOnly = (['GRPC_TLS_CERT', 'GRPC_TLS_KEY', 'GRPC_TLS_SERVER_NAME'] as const).filter((name) => config[name] !== undefined);
    if (tlsOnly.length > 0) throw new ConfigError(tlsOnly.map((name) => `${name}: set GRPC_TLS_CA too (the CA the services' certificates chain to)`));
    if (!config.ALLOW_INSECURE_PLAINTEXT) {
      throw new ConfigError(['GRPC_TLS_CA: required (set ALLOW_INSECURE_PLAINTEXT=true to call the services in plaintext in development)']);
    }
    return { mode: 'plaintext' };
  }
  if ((config.GRPC_TLS_CERT === undefined) !== (config.GRPC_TLS_KEY === undefined)) {
    throw new ConfigError(['GRPC_TLS_CERT, GRPC_TLS_KEY: give both (a client certificate and its key) or neither']);
  }
  return {
    mode: 'tls',
    options: {
      ca: readPemSetting('GRPC_TLS_CA', config.GRPC_TLS_CA, readFile),
      ...(config.GRPC_TLS_CERT && config.GRPC_TLS_KEY
        ? { cert: readPemSetting('GRPC_TLS_CERT', config.GRPC_TLS_CERT, readFile), key: readPemSetting('GRPC_TLS_KEY', config.GRPC_TLS_KEY, readFile) }
        : {}),
      ...(config.GRPC_TLS_SERVER_NAME ? { serverName: config.GRPC_TLS_SERVER_NAME } : {}),
    },
  };
};

const authOf = (config: ConsoleSettings): ConsoleAuth => {
  if (config.AUTH_MODE === 'dev') return { mode: 'dev', pkiDir: config.DEV_PKI_DIR };
  const missing = (['OIDC_ISSUER_URL', 'OIDC_CLIENT_ID', 'JWT_ISSUER', 'SESSION_SECRET'] as const).filter((name) => config[name] === undefined);
  if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name}: required with AUTH_MODE=oidc (or AUTH_MODE=dev for the development login)`));
  const tokens = tokenVerifierFromSettings(config);
  if (!tokens) throw new ConfigError(['JWT_ISSUER: required with AUTH_MODE=oidc']);
  return {
    mode: 'oidc',
    tokens,
    oidc: {
      issuerUrl: config.OIDC_ISSUER_URL as string,
      clientId: config.OIDC_CLIENT_ID as string,
      ...(config.OIDC_CLIENT_SECRET ? { clientSecret: config.OIDC_CLIENT_SECRET } : {}),
      scopes: config.OIDC_SCOPES,
    },
  };
};

/** `startConsole` options from parsed settings; every problem is a ConfigError naming its setting. */
export const consoleOptionsFromSettings = (config: ConsoleSettings, log: Logger, readFile: (path: string) => Buffer = readFileSync): ConsoleOptions => {
  const locale: Locale = config.DEFAULT_LOCALE;
  return {
    log,
    host: config.HOST,
    port: config.PORT,
    ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
    services: {
      content: config.CONTENT_ADDRESS,
      productQuality: config.PRODUCT_QUALITY_ADDRESS,
      merchantAccess: config.MERCHANT_ACCESS_ADDRESS,
      consumerExperience: config.CONSUMER_EXPERIENCE_ADDRESS,
    },
    transport: clientTransportOf(config, readFile),
    auth: authOf(config),
    ...(config.SESSION_SECRET ? { sessionSecret: config.SESSION_SECRET } : {}),
    defaultLocale: locale,
    reportTimeZone: config.REPORT_TIME_ZONE,
    livePollMs: config.LIVE_POLL_MS,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
  };
};
