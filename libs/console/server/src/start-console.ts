import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createServer } from 'node:http';
import { HealthCheckResponse_ServingStatus, HealthDefinition } from '@govern/contracts-common';
import type { ClientTransport } from '@govern/platform-auth';
import type { Logger } from '@govern/platform-core';
import { listenHttp } from '@govern/platform-observability';
import { channelOptionsFor, createChannelCredentials } from '@govern/platform-auth';
import { createChannel, createClient } from 'nice-grpc';
import { createSessionSealer } from './auth/session';
import { createDevSignIn, createOidcSignIn, type ConsoleAuth } from './auth/sign-in';
import { connectPlatformApi, type ConsoleServiceAddresses } from './grpc/platform-api';
import { createConsoleApp, type RouteModule } from './http/app';
import type { Locale } from './i18n/locale';
import { createLiveHub } from './live/live-hub';
import { banAppealRoutes } from './pages/ban-appeals';
import { contentAppealRoutes } from './pages/content-appeals';
import { disputeRoutes } from './pages/disputes';
import { homeRoutes } from './pages/home';
import { ipComplaintRoutes } from './pages/ip-complaints';
import { liveRoutes } from './pages/live';
import { lookupRoutes } from './pages/lookups';
import { reportRoutes } from './pages/report';
import { reviewCaseRoutes } from './pages/review-cases';
import { signInRoutes } from './pages/sign-in';
import { loadAssets } from './views/assets';

export interface ConsoleOptions {
  log: Logger;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The URL people open when a proxy sits in front (OIDC redirect URI, Secure cookies). */
  publicUrl?: string;
  /** Where the four services listen. */
  services: ConsoleServiceAddresses;
  /** How the console reaches them: TLS with the services' CA (and optionally a client certificate), or plaintext in development. */
  transport: ClientTransport;
  auth: ConsoleAuth;
  /** Session cookie key material; random per process when absent (dev: sessions end with the process). */
  sessionSecret?: string;
  defaultLocale?: Locale;
  /** Day and week boundaries of the report's charts (IANA zone). */
  reportTimeZone?: string;
  livePollMs?: number;
  /** How long `close()` lets requests in flight finish. */
  shutdownGraceMs?: number;
}

export interface RunningConsole {
  /** e.g. `http://127.0.0.1:8080` (the public URL when one is set). */
  url: string;
  port: number;
  close(): Promise<void>;
}

const ROUTES: readonly RouteModule[] = [
  signInRoutes,
  homeRoutes,
  reviewCaseRoutes,
  contentAppealRoutes,
  banAppealRoutes,
  ipComplaintRoutes,
  disputeRoutes,
  lookupRoutes,
  liveRoutes,
  reportRoutes,
];

/** Readiness: every service answers its gRPC health check (health is open to anyone: no token). */
const readinessProbe = (services: ConsoleServiceAddresses, transport: ClientTransport) => {
  const clients = Object.entries(services).map(([name, address]) => {
    const channel = createChannel(address, createChannelCredentials(transport), channelOptionsFor(transport));
    return { name, channel, client: createClient(HealthDefinition, channel) };
  });
  return {
    async check(): Promise<{ ready: boolean; services: Record<string, string> }> {
      const results = await Promise.all(
        clients.map(async ({ name, client }) => {
          const status = await client
            .check({ service: '' }, { signal: AbortSignal.timeout(2_000) })
            .then((r) => HealthCheckResponse_ServingStatus[r.status] ?? 'UNKNOWN')
            .catch(() => 'UNREACHABLE');
          return [name, status] as const;
        }),
      );
      return { ready: results.every(([, status]) => status === 'SERVING'), services: Object.fromEntries(results) };
    },
    close: () => clients.forEach(({ channel }) => channel.close()),
  };
};

/**
 * The operator console: an HTTP server (hono on Node's http) that renders pages from the four
 * services' gRPC APIs, each call made with the signed-in operator's own token. Embedded mode
 * (`npm start`) calls this in-process; `apps/console` runs it on its own.
 */
export const startConsole = async (options: ConsoleOptions): Promise<RunningConsole> => {
  const { log } = options;
  const platform = connectPlatformApi(options.services, options.transport);
  const probe = readinessProbe(options.services, options.transport);
  const signIn = options.auth.mode === 'dev' ? await createDevSignIn(options.auth.pkiDir) : createOidcSignIn(options.auth.oidc, options.auth.tokens);
  if (options.auth.mode === 'dev') log.warn({ pki_dir: options.auth.pkiDir }, 'DEVELOPMENT sign-in: anyone who can open the console chooses who they are; never expose it');
  if (options.transport.mode === 'plaintext') log.warn('gRPC to the services is PLAINTEXT: operators’ tokens cross the network readable; development only');
  const livePollMs = options.livePollMs ?? 1_000;
  const live = createLiveHub({ pollMs: livePollMs, log });
  const app = createConsoleApp(
    {
      log,
      platform,
      sealer: createSessionSealer(options.sessionSecret ?? randomBytes(32)),
      signIn,
      assets: loadAssets(),
      defaultLocale: options.defaultLocale ?? 'zh-CN',
      timeZone: options.reportTimeZone ?? 'Asia/Shanghai',
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
      live,
      livePollMs,
      ...(options.auth.mode === 'dev' ? { pkiDir: options.auth.pkiDir } : {}),
      ready: () => probe.check(),
    },
    ROUTES,
  );
  const server: Server = createServer(getRequestListener(app.fetch));
  const { port, urlHost } = await listenHttp(server, options.port, options.host);
  const url = options.publicUrl ?? `http://${urlHost}:${port}`;
  log.info({ url, auth: options.auth.mode, transport: options.transport.mode }, 'console serving');
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      closing ??= (async () => {
        // Live pages hold their connection open: end them first so the server can drain.
        live.close();
        const drained = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const grace = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 10_000);
        await drained;
        clearTimeout(grace);
        platform.close();
        probe.close();
        log.info('console stopped');
      })();
      return closing;
    },
  };
};
