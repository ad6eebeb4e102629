/** Query keys shared by the features, so that a mutation in one refreshes the views of another. */
export const queryKeys = {
  sessions: ['sessions'] as const,
  session: (id: string) => ['sessions', id] as const,
  ownNumber: (id: string) => ['sessions', id, 'number'] as const,
  profile: ['me'] as const,
  /** The caller's sessions of one matter; under `sessions`, so a change to any session refreshes it. */
  matterSessions: (matterId: string) => ['sessions', 'matter', matterId] as const,
  currencies: ['currencies'] as const,
  invitationPreview: (token: string) => ['invitation-preview', token] as const,
};
