import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON logger per function. Log lines carry ids and codes, never a body or an amount. */
export const createLogger = (serviceName: string) =>
  new Logger({ serviceName, logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO' });
