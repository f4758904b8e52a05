/**
 * The closed error catalogue (conventions §15): every `code` Gantry can answer with, its HTTP status
 * and a short title. DomainError takes its status from here, the problem filter its title, the
 * OpenAPI spec publishes the list (`ProblemCode`) and the README's "Error catalogue" is generated
 * from it. A code is part of the public contract: add one, never rename or reuse one, and give it one
 * status only (the call site does not choose).
 */
export const ERROR_CATALOGUE = {
  // The request itself: raised by the HTTP edge (Fastify parsing, the ValidationPipe, pipes).
  'request/invalid': { status: 400, title: 'Invalid request' },
  'request/malformed_json': { status: 400, title: 'Malformed JSON body' },
  'request/too_deep': { status: 400, title: 'JSON body nested too deeply' },
  'request/invalid_key': { status: 400, title: 'Invalid key' },
  'request/invalid_if_match': { status: 400, title: 'Invalid If-Match header' },
  'request/too_large': { status: 413, title: 'Request body too large' },
  'request/unsupported_media_type': { status: 415, title: 'Unsupported media type' },
  'request/rate_limited': { status: 429, title: 'Too many requests' },
  'route/not_found': { status: 404, title: 'Route not found' },
  'route/method_not_allowed': { status: 405, title: 'Method not allowed' },
  internal: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'Service unavailable' },

  // Authentication and authorization.
  'auth/unauthenticated': { status: 401, title: 'Authentication required' },
  'auth/invalid_token': { status: 401, title: 'Invalid access token' },
  'auth/token_revoked': { status: 401, title: 'Access token revoked' },
  'auth/token_expired': { status: 401, title: 'Access token expired' },
  'auth/forbidden': { status: 403, title: 'Forbidden by policy' },
  // A SCIM token outside /scim/v2, or an API token at /scim/v2: each credential opens one door.
  'auth/wrong_token_purpose': { status: 401, title: 'Token not valid for this API' },
  // Refused at once, even before the member's tokens and sessions are revoked.
  'auth/member_deactivated': { status: 401, title: 'Member deactivated' },
  'auth/session_invalid': { status: 401, title: 'Session not valid' },
  'auth/csrf_failed': { status: 403, title: 'CSRF token missing or wrong' },
  'auth/token_sign_in_disabled': { status: 403, title: 'Token sign-in disabled' },
  'auth/personal_token_required': { status: 403, title: 'Personal access token required' },
  'oidc/not_configured': { status: 404, title: 'Single sign-on not configured' },
  'oidc/state_invalid': { status: 400, title: 'Sign-in attempt unknown or expired' },
  'oidc/sign_in_failed': { status: 401, title: 'Identity provider response refused' },
  'oidc/email_not_allowed': { status: 403, title: 'Email not allowed to sign in' },
  'oidc/provider_unavailable': { status: 502, title: 'Identity provider unavailable' },
  'policy/invalid': { status: 400, title: 'Invalid policy' },
  'policy/invalid_resource': { status: 400, title: 'Invalid resource' },
  'policy/invalid_specifier': { status: 400, title: 'Invalid resource specifier' },

  // Accounts.
  'member/not_found': { status: 404, title: 'Member not found' },
  'member/already_exists': { status: 409, title: 'Member already exists' },
  'member/cannot_delete_self': { status: 409, title: 'Cannot delete yourself' },
  'member/cannot_delete_owner': { status: 409, title: 'Cannot delete the owner' },
  'member/cannot_deactivate_self': { status: 409, title: 'Cannot deactivate yourself' },
  'member/cannot_deactivate_owner': { status: 409, title: 'Cannot deactivate an owner' },
  'team/not_found': { status: 404, title: 'Team not found' },
  'team/already_exists': { status: 409, title: 'Team already exists' },
  'role/not_found': { status: 404, title: 'Role not found' },
  'role/already_exists': { status: 409, title: 'Role already exists' },
  'token/not_found': { status: 404, title: 'Access token not found' },
  'token/invalid_expiry': { status: 400, title: 'Invalid token expiry' },
  'token/member_required': { status: 400, title: 'Token needs a member' },
  'token/personal_with_policy': { status: 400, title: 'Personal token cannot carry a policy' },
  'token/scim_with_grants': { status: 400, title: 'SCIM token cannot carry grants' },

  // SCIM 2.0 provisioning (/scim/v2): each is answered with the RFC 7644 scimType its name says.
  'scim/invalid_filter': { status: 400, title: 'Unsupported or invalid SCIM filter' },
  'scim/invalid_syntax': { status: 400, title: 'Invalid SCIM request' },
  'scim/invalid_value': { status: 400, title: 'Invalid SCIM attribute value' },
  'scim/invalid_path': { status: 400, title: 'Invalid SCIM PATCH path' },
  'scim/no_target': { status: 400, title: 'SCIM PATCH path matches nothing' },
  'scim/mutability': { status: 400, title: 'SCIM attribute is read-only' },

  // Projects and environments.
  'project/not_found': { status: 404, title: 'Project not found' },
  'project/already_exists': { status: 409, title: 'Project already exists' },
  'environment/not_found': { status: 404, title: 'Environment not found' },
  'environment/already_exists': { status: 409, title: 'Environment already exists' },
  'environment/duplicate_key': { status: 400, title: 'Duplicate environment key' },
  'environment/last': { status: 409, title: 'Last environment of the project' },

  // Flags, segments and the write path.
  'flag/not_found': { status: 404, title: 'Flag not found' },
  'flag/already_exists': { status: 409, title: 'Flag already exists' },
  'flag/invalid': { status: 400, title: 'Invalid flag' },
  'flag/archived': { status: 409, title: 'Flag is archived' },
  'flag/version_mismatch': { status: 412, title: 'Flag version mismatch' },
  'flag/has_dependents': { status: 409, title: 'Flag has dependents' },
  'flag_version/not_found': { status: 404, title: 'Flag version not found' },
  // Restoring a kept version: what the version used must still exist, since variations and other flags move on.
  'flag_version/variation_removed': { status: 409, title: 'Version uses a removed variation' },
  'flag_version/prerequisite_removed': { status: 409, title: 'Version uses a removed prerequisite flag' },
  'flag_version/segment_removed': { status: 409, title: 'Version uses a removed segment' },
  'flag_version/restore_too_large': { status: 422, title: 'Restore needs too many instructions' },
  'patch/invalid_instruction': { status: 400, title: 'Invalid instruction' },
  'patch/unknown_instruction': { status: 400, title: 'Unknown instruction' },
  // A segmentMatch clause naming a segment the environment does not have (it would never match).
  'patch/unknown_segment': { status: 400, title: 'Unknown segment' },
  'segment/not_found': { status: 404, title: 'Segment not found' },
  'segment/already_exists': { status: 409, title: 'Segment already exists' },
  'segment/version_mismatch': { status: 412, title: 'Segment version mismatch' },
  'segment/in_use': { status: 409, title: 'Segment in use' },

  // Approvals and change requests.
  'approval/required': { status: 403, title: 'Approval required' },
  'approval/bypass_reason_required': { status: 428, title: 'Bypass reason required' },
  'approval/unknown_team': { status: 400, title: 'Unknown approver team' },
  'approval/self_review': { status: 403, title: 'Cannot review own change request' },
  'approval/reviewer_not_allowed': { status: 403, title: 'Reviewer not allowed' },
  'approval/declined': { status: 409, title: 'Change request declined' },
  'approval/insufficient_approvals': { status: 409, title: 'Not enough approvals' },
  'change_request/not_found': { status: 404, title: 'Change request not found' },
  'change_request/no_change': { status: 400, title: 'Change request changes nothing' },
  'change_request/invalid_execution_date': { status: 400, title: 'Invalid execution date' },
  'change_request/not_requester': { status: 403, title: 'Not the requester' },
  'change_request/not_open': { status: 409, title: 'Change request not open' },
  'change_request/not_due': { status: 409, title: 'Change request not due' },
  'change_request/already_applied': { status: 409, title: 'Change request already applied' },
  'change_request/conflict': { status: 409, title: 'Change request conflicts' },

  // Guardrail policies.
  'lifecycle/invalid_settings': { status: 400, title: 'Invalid lifecycle settings' },
  'code_reference/invalid': { status: 400, title: 'Invalid code reference report' },
  'code_reference/too_many': { status: 422, title: 'Too many code references in one report' },
  'guardrail/not_found': { status: 404, title: 'Guardrail policy not found' },
  'guardrail/already_exists': { status: 409, title: 'Guardrail policy already exists' },
  'guardrail/invalid': { status: 400, title: 'Invalid guardrail policy' },
  'guardrail/violation': { status: 422, title: 'Guardrail policy violated' },

  // Release automation.
  'scheduled_change/not_found': { status: 404, title: 'Scheduled change not found' },
  'scheduled_change/no_change': { status: 400, title: 'Scheduled change changes nothing' },
  'scheduled_change/invalid_execution_date': { status: 400, title: 'Invalid execution date' },
  'scheduled_change/not_pending': { status: 409, title: 'Scheduled change not pending' },
  'release/not_found': { status: 404, title: 'Release not found' },
  'release/no_change': { status: 400, title: 'Release changes nothing' },
  'release/invalid_stages': { status: 400, title: 'Invalid release stages' },
  'release/invalid_weight': { status: 400, title: 'Invalid release weight' },
  'release/invalid_serving': { status: 400, title: 'Invalid serving' },
  'release/invalid_guard': { status: 400, title: 'Invalid guard settings' },
  'release/invalid_metric_summary': { status: 400, title: 'Invalid metric summary' },
  'release/unknown_variation': { status: 400, title: 'Unknown variation' },
  // 400, not 409: a client only meets it when naming a metric that does not exist (bad input). The
  // release stepper also raises it when a watched metric was deleted since, but that only fails the
  // release in the background (recorded with this code); no request is answered with it.
  'release/unknown_metric': { status: 400, title: 'Unknown metric' },
  'release/already_active': { status: 409, title: 'Release already active' },
  'release/invalid_state': { status: 409, title: 'Invalid release state' },
  'release/variation_removed': { status: 409, title: 'Release variation removed' },
  'release/invalid_cursor': { status: 400, title: 'Invalid cursor' },
  'metric/not_found': { status: 404, title: 'Metric not found' },
  'metric/already_exists': { status: 409, title: 'Metric already exists' },
  'pipeline/not_found': { status: 404, title: 'Release pipeline not found' },
  'pipeline/already_exists': { status: 409, title: 'Release pipeline already exists' },
  'pipeline/invalid_phases': { status: 400, title: 'Invalid pipeline phases' },
  'pipeline/no_run': { status: 404, title: 'No pipeline release' },
  'pipeline/already_running': { status: 409, title: 'Pipeline release already running' },
  'pipeline/not_running': { status: 409, title: 'No running pipeline release' },
  // Release plans (the successor of pipelines; runs keep the pipeline/* run codes above).
  'release_plan/not_found': { status: 404, title: 'Release plan not found' },
  'release_plan/already_exists': { status: 409, title: 'Release plan already exists' },
  'release_plan/invalid': { status: 400, title: 'Invalid release plan' },
  'release_plan/no_plan': { status: 404, title: 'No release plan applies to the flag' },
  'release_plan/audience_unaffected': { status: 409, title: 'The audience would not see the release' },
  'release_plan/not_paused': { status: 409, title: 'Release plan run is not paused' },
  'release_plan/no_such_phase': { status: 404, title: 'No such phase in the run' },
  'release_plan/phase_not_waiting': { status: 409, title: 'Phase is not waiting for a manual start' },
  'trigger/not_found': { status: 404, title: 'Trigger not found' },
  'trigger/invalid_action': { status: 400, title: 'Invalid trigger action' },
  'trigger/invalid_idempotency_key': { status: 400, title: 'Invalid Idempotency-Key' },
  'trigger/disabled': { status: 409, title: 'Trigger disabled' },
  'trigger/in_progress': { status: 409, title: 'Trigger call in progress' },
  // A trigger's stored action that the flag no longer accepts (a write-path 400 such as
  // patch/invalid_instruction): the caller's request was fine, the flag's state refuses it.
  'trigger/action_not_applicable': { status: 409, title: 'Trigger action no longer applies' },
  'trigger/rate_limited': { status: 429, title: 'Trigger rate limited' },
  'deployment/invalid_service': { status: 400, title: 'Invalid service name' },
  'deployment/invalid_version': { status: 400, title: 'Invalid deployment version' },
  'deployment/invalid_commit_sha': { status: 400, title: 'Invalid commit SHA' },
  'deployment/invalid_url': { status: 400, title: 'Invalid deployment URL' },
  'deployment/invalid_cursor': { status: 400, title: 'Invalid cursor' },

  'freeze/not_found': { status: 404, title: 'Freeze window not found' },
  'freeze/invalid_window': { status: 400, title: 'Invalid freeze window' },
  // 423 Locked: the change is fine, the environment is closed for changes until the window ends.
  'freeze/active': { status: 423, title: 'Change freeze active' },

  // Everything else.
  'webhook/not_found': { status: 404, title: 'Webhook not found' },
  'webhook/invalid_url': { status: 400, title: 'Invalid webhook URL' },
  // Loopback, private, link-local, CGNAT or metadata addresses, unless GANTRY_OUTBOUND_ALLOW lets them.
  'webhook/forbidden_address': { status: 400, title: 'Webhook address not allowed' },
  // The console's static files are missing: the installation was not built (npm run build).
  'console/not_built': { status: 503, title: 'Console not built' },
  'graphql/query_too_complex': { status: 400, title: 'GraphQL query too complex' },
  'audit/not_found': { status: 404, title: 'Audit entry not found' },
  'audit/invalid_cursor': { status: 400, title: 'Invalid cursor' },
  'audit_verification/not_found': { status: 404, title: 'Audit verification not found' },
  'evaluation/invalid_context': { status: 400, title: 'Invalid evaluation context' },
  'sdk/invalid_key': { status: 401, title: 'Invalid SDK key' },
  'sdk/invalid_events': { status: 400, title: 'Invalid SDK events' },
  'sdk/too_many_events': { status: 413, title: 'Too many SDK events' },
  'relay_credential/not_found': { status: 404, title: 'Relay credential not found' },
  'relay_credential/invalid': { status: 400, title: 'Invalid relay credential' },
  'relay/invalid_credential': { status: 401, title: 'Invalid relay credential' },
  'relay/out_of_scope': { status: 403, title: 'Environment outside the relay scope' },
  'relay/invalid_request': { status: 400, title: 'Invalid relay request' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Every code, in catalogue order. */
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CATALOGUE, value);
}

/** The kinds `notFound(kind, key)` accepts: those with a `<kind>/not_found` code (not routes). */
export type NotFoundKind = Exclude<
  { [C in ErrorCode]: C extends `${infer K}/not_found` ? K : never }[ErrorCode],
  'route'
>;

/** The kinds a unique violation can be reported for: those with a `<kind>/already_exists` code. */
export type AlreadyExistsKind = { [C in ErrorCode]: C extends `${infer K}/already_exists` ? K : never }[ErrorCode];
