// Reasons shared by REST and GraphQL, so both surfaces say the same thing.
export const WHY = {
  createProject: 'a new project has no flags, so nothing is served from it yet',
  updateProject: 'renames or retags the project; serving is unaffected',
  createEnvironment: 'a new environment with new SDK keys; every flag starts off in it',
  createFlag: 'a new flag starts off in every environment; turning it on or targeting it is a gated write',
  createSegment: 'a new segment; a flag rule that names it is a gated write (a rule may name a key before it exists)',
  proposeChange: 'proposes a change; it is served only when the request is applied, which is gated',
  cancelChangeRequest: 'closes a request; nothing is served',
  deleteSchedule: 'cancels a pending scheduled change; what is served stays as it is',
  pauseRelease: 'stops a release at its current stage; what is served stays as it is',
  resumeRelease: 'restarts the clock of a release approved at start; each step is the gated release.step job',
  createAutomation:
    'where what it will write needs approval: break-glass (bypassRequiredApproval and a reason), ' +
    'a retroactive review is opened, and it is written later under that approval',
  members: 'access control: who may act; every act is still authorized and gated on its own',
  roles: 'access control: what a role may do; every act is still authorized and gated on its own',
  tokens: 'access control: issues or revokes a credential; every call it makes is authorized and gated',
  scim: 'access control: an identity provider provisions who may act; every act is still authorized and gated',
} as const;
