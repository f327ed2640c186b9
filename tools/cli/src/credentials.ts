import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { devTokenProvider, devTokenProviderByPolicy, SERVICE_POLICIES, PolicyTable, type ClientTransport, type TokenProvider } from '@govern/platform-auth';
import { UsageError } from './usage-error';

/**
 * How the CLI reaches the services and who it says it is, the way any caller does: TLS against
 * a CA (and its own client certificate when it has one), and a bearer token.
 *
 * Zero configuration after `npm start`: the development CA and the CLI's certificate are in
 * `tmp/embedded/pki` (GOVERN_PKI_DIR), and with the development signing key there the CLI
 * signs its own short-lived dev tokens. `--token` (or GOVERN_TOKEN) carries a real issuer's
 * token instead; `--ca/--cert/--key` point at a real deployment's files.
 */
export const DEFAULT_PKI_DIR = 'tmp/embedded/pki';

export const CREDENTIAL_OPTIONS = {
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  token: { type: 'string' },
} as const;

export const CREDENTIALS_HELP = `Credentials (defaults: the development CA and keys npm start made in ${DEFAULT_PKI_DIR}):
  --ca FILE      CA the services' certificates chain to (default ${DEFAULT_PKI_DIR}/ca.crt;
                 without one, plaintext: only services started with ALLOW_INSECURE_PLAINTEXT)
  --cert FILE    this client's certificate, for mutual TLS (default ${DEFAULT_PKI_DIR}/cli.crt)
  --key FILE     its private key (default ${DEFAULT_PKI_DIR}/cli.key)
  --token JWT    bearer token for every call (default: env GOVERN_TOKEN, else development
                 tokens signed with ${DEFAULT_PKI_DIR}/token-signing-key.json)`;

export interface CredentialValues {
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  token?: string | undefined;
}

export interface CliCredentials {
  transport: ClientTransport;
  /** Undefined when there is neither a token nor a development signing key: calls go without one. */
  signingKeyFile: string | undefined;
  fixedToken: string | undefined;
}

const readPem = (option: string, file: string): Buffer => {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`--${option}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
};

export const resolveCredentials = (values: CredentialValues, env: Record<string, string | undefined> = process.env): CliCredentials => {
  const dir = env['GOVERN_PKI_DIR'] ?? DEFAULT_PKI_DIR;
  const fallback = (file: string): string | undefined => (existsSync(join(dir, file)) ? join(dir, file) : undefined);
  const caFile = values.ca ?? fallback('ca.crt');
  const certFile = values.cert ?? (values.key ? undefined : fallback('cli.crt'));
  const keyFile = values.key ?? (values.cert ? undefined : fallback('cli.key'));
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--cert and --key go together');
  if (!caFile && (values.cert || values.key)) throw new UsageError('--cert/--key need --ca (the CA the services chain to)');
  const transport: ClientTransport = caFile
    ? {
        mode: 'tls',
        options: {
          ca: readPem('ca', caFile),
          ...(certFile && keyFile ? { cert: readPem('cert', certFile), key: readPem('key', keyFile) } : {}),
        },
      }
    : { mode: 'plaintext' };
  const fixedToken = values.token ?? env['GOVERN_TOKEN'];
  return { transport, fixedToken: fixedToken || undefined, signingKeyFile: fixedToken ? undefined : fallback('token-signing-key.json') };
};

/** One identity for every call (`report` reads as an auditor). */
export const tokenAs = (credentials: CliCredentials, subject: string, roles: readonly string[]): TokenProvider | undefined => {
  if (credentials.fixedToken) return () => credentials.fixedToken as string;
  return credentials.signingKeyFile ? devTokenProvider(credentials.signingKeyFile, { subject, roles }) : undefined;
};

/**
 * Per RPC, the actor that RPC belongs to (`simulate` plays the whole marketplace: the listing,
 * order and logistics systems by their system tokens, operators and finance people by role),
 * from the authorization tables the services enforce (platform-auth's copy, kept equal to
 * each service's own by its policy spec).
 */
export const tokenPerActor = (credentials: CliCredentials): TokenProvider | undefined => {
  if (credentials.fixedToken) return () => credentials.fixedToken as string;
  return credentials.signingKeyFile ? devTokenProviderByPolicy(credentials.signingKeyFile, new PolicyTable(SERVICE_POLICIES), { personPrefix: 'govern-cli' }) : undefined;
};
