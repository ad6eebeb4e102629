/**
 * The negotiation state machine (docs/rules.md) as pure functions, one file per command:
 * (state, command, now) → new state + domain events, or a typed rejection.
 */
export * from './create';
export * from './members';
export * from './model';
export * from './numbers';
export * from './phase';
export * from './proposal-state';
export * from './proposals';
export * from './terms';
export * from './withdraw';
