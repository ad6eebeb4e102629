/** The pure negotiation engine: no AWS, no I/O, no clock, no random source of its own. */
export * from './currency';
export * from './match';
export * from './proposal-amount';
export * from './random';
export * from './rooms';
export * from './rounding';
export * from './session';
export * from './text';
export * from './types';
