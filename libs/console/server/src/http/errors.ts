import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { Status } from 'nice-grpc';
import { readErrorDetails } from '@govern/platform-grpc';
import type { Translate } from '../i18n/translate';

/** What an error page says: an HTTP status, a sentence, and the service's details when there are some. */
export interface ErrorView {
  status: ContentfulStatusCode;
  message: string;
  details: string[];
  requestId?: string;
}

/** Raised by a route when the operator's roles do not allow what it does. */
export const forbidden = (): HTTPException => new HTTPException(403, { message: 'forbidden' });
export const notFound = (): HTTPException => new HTTPException(404, { message: 'not found' });

/** Client input never reaches an error page unbounded. */
const bounded = (text: string): string => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

export const describeError = (t: Translate, error: unknown): ErrorView => {
  if (error instanceof HTTPException) {
    if (error.status === 403) return { status: 403, message: t('error.forbidden'), details: [] };
    if (error.status === 404) return { status: 404, message: t('error.notFound'), details: [] };
    return { status: error.status as ContentfulStatusCode, message: bounded(error.message), details: [] };
  }
  const grpc = readErrorDetails(error);
  if (!grpc) return { status: 500, message: t('error.title'), details: [] };
  const details = [
    ...(grpc.reason ? [`${grpc.reason}${grpc.domain ? ` (${grpc.domain})` : ''}: ${bounded(grpc.message)}`] : [bounded(grpc.message)]),
    ...grpc.fieldViolations.map((v) => `${v.field}: ${bounded(v.description)}`),
    ...grpc.preconditionViolations.map((v) => `${v.type} ${v.subject}: ${bounded(v.description)}`),
  ];
  const withId = grpc.requestId ? { requestId: grpc.requestId } : {};
  switch (grpc.code) {
    case Status.NOT_FOUND:
      return { status: 404, message: t('error.notFound'), details, ...withId };
    case Status.INVALID_ARGUMENT:
      return { status: 400, message: t('error.invalid'), details, ...withId };
    case Status.FAILED_PRECONDITION:
    case Status.ALREADY_EXISTS:
    case Status.ABORTED:
      return { status: 409, message: t('error.service', { code: grpc.codeName }), details, ...withId };
    case Status.UNAUTHENTICATED:
      return { status: 401, message: t('error.unauthenticated'), details, ...withId };
    case Status.PERMISSION_DENIED:
      return { status: 403, message: t('error.permissionDenied'), details, ...withId };
    case Status.UNAVAILABLE:
    case Status.DEADLINE_EXCEEDED:
      return { status: 503, message: t('error.unavailable'), details, ...withId };
    default:
      return { status: 502, message: t('error.service', { code: grpc.codeName }), details, ...withId };
  }
};

/** Whether a failed call means the record does not exist (a look-up page shows "not found", not an error). */
export const isNotFound = (error: unknown): boolean => readErrorDetails(error)?.code === Status.NOT_FOUND;
