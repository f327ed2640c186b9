import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { vi } from 'vitest';
import { commonDescriptorSet, GovernanceOpsServiceDefinition } from '@govern/contracts-common';
import { checkTlsMaterial, createTokenVerifier, DEV_TOKEN_AUDIENCE, DEV_TOKEN_ISSUER, ensureDevPki, type DevPki } from '@govern/platform-auth';
import { GOVERNANCE_OPS_POLICY } from '@govern/platform-decisions';
import { createGrpcServer, type GrpcServer, type GrpcServiceImplementation } from '@govern/platform-grpc';

/**
 * What the ops commands' specs run against: a real gRPC server as a service runs one (TLS, dev
 * tokens verified, the ops policy) serving GovernanceOpsService with the spec's fixed answers, and
 * the development PKI the CLI finds after `npm start`.
 */
export interface OpsServerStub {
  server: GrpcServer;
  address: string;
}

/** The development CA, certificates and signing key, made in a temporary directory that GOVERN_PKI_DIR (stubbed) points to. */
export const devPkiForCli = async (service: string): Promise<DevPki> => {
  const pki = await ensureDevPki({ dir: await mkdtemp(join(tmpdir(), 'govern-cli-pki-')), services: [service], clients: ['cli'] });
  vi.stubEnv('GOVERN_PKI_DIR', pki.dir);
  return pki;
};

/** `implementation` served as GovernanceOpsService on 127.0.0.1:0, over TLS with `service`'s certificate from `pki`. */
export const startOpsServer = async (pki: DevPki, service: string, implementation: GrpcServiceImplementation<typeof GovernanceOpsServiceDefinition>): Promise<OpsServerStub> => {
  const material = pki.identity(service).material;
  const server = createGrpcServer({
    serviceName: 'test',
    logger: pino({ level: 'silent' }),
    descriptorSets: [commonDescriptorSet],
    transport: { mode: 'tls', material, clientAuth: 'optional', identity: checkTlsMaterial(material) },
    tokens: createTokenVerifier({ issuer: DEV_TOKEN_ISSUER, audience: DEV_TOKEN_AUDIENCE, keys: { file: pki.jwksFile } }),
  });
  server.add(GovernanceOpsServiceDefinition, implementation, GOVERNANCE_OPS_POLICY);
  return { server, address: `127.0.0.1:${await server.listen('127.0.0.1:0')}` };
};

/** Every line the command prints (console.log) goes to `printed` instead, until `cleanUpOpsSuite`. */
export const capturePrinted = (printed: string[]): void => {
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
};

/** After the suite: mocks and environment restored, the servers shut down, the PKI's directory removed. */
export const cleanUpOpsSuite = async (servers: readonly (OpsServerStub | undefined)[], pki: DevPki | undefined): Promise<void> => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await Promise.all(servers.map((stub) => stub?.server.shutdown()));
  if (pki) await rm(pki.dir, { recursive: true, force: true });
};
