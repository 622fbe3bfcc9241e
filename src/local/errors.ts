/** An error the emulator answers with, in the service's own wire format (see protocols.ts). */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const validation = (message: string) => new ServiceError("ValidationException", message, 400);
export const notFound = (message: string) => new ServiceError("ResourceNotFoundException", message, 404);
export const conflict = (message: string) => new ServiceError("ConflictException", message, 409);
export const quotaExceeded = (message: string) => new ServiceError("ServiceQuotaExceededException", message, 402);
