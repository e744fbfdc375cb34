-- Single sign-on through an OpenID Connect provider writes its own outcomes to the sign-in log, so that a refusal
-- says why (no account here, a disabled one, a role the provider does not give) and an investigation can tell the
-- two ways in apart.
alter table sign_in_event drop constraint sign_in_event_outcome_check;
alter table sign_in_event add constraint sign_in_event_outcome_check
  check (outcome in ('SIGNED_IN', 'FAILED', 'LOCKED_OUT', 'REFUSED_WHILE_THROTTLED', 'SIGNED_OUT', 'IDLE_TIMEOUT',
                     'SESSION_LIMIT', 'SSO_SIGNED_IN', 'SSO_REFUSED_UNKNOWN_USER', 'SSO_REFUSED_DISABLED',
                     'SSO_REFUSED_ROLE', 'SSO_FAILED'));
