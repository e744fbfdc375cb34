-- Second factors of sign-in: an authenticator app (TOTP), one-time recovery codes, and WebAuthn passkeys.

-- The TOTP secret is encrypted with the protection keys (bound to its row) like personal fields: whoever reads
-- the database must not be able to mint codes. last_step is the last time step accepted, so a code is used once.
-- A six-digit code can be guessed: after a few wrong codes in a row, codes are refused until locked_until.
create table totp_factor (
  user_id          bigint primary key references app_user,
  secret           bytea not null,
  confirmed        boolean not null default false,
  last_step        bigint not null default 0,
  failed_attempts  integer not null default 0,
  locked_until     timestamptz,
  created_at  timestamptz not null default now()
);

-- Only a hash is stored: a recovery code is a password.
create table recovery_code (
  id         bigint generated always as identity primary key,
  user_id    bigint not null references app_user,
  code_hash  text not null,
  used_at    timestamptz
);
create index recovery_code_by_user on recovery_code (user_id) where used_at is null;

-- Spring Security's JDBC repositories for WebAuthn read and write these tables as named here
-- (its user-entities-schema.sql and user-credentials-schema-postgres.sql).
create table user_entities (
  id           varchar(1000) not null primary key,
  name         varchar(100)  not null unique,
  display_name varchar(200)
);
create table user_credentials (
  credential_id                varchar(1000) not null primary key,
  user_entity_user_id          varchar(1000) not null references user_entities on delete cascade,
  public_key                   bytea         not null,
  signature_count              bigint,
  uv_initialized               boolean,
  backup_eligible              boolean       not null,
  authenticator_transports     varchar(1000),
  public_key_credential_type   varchar(100),
  backup_state                 boolean       not null,
  attestation_object           bytea,
  attestation_client_data_json bytea,
  created                      timestamp,
  last_used                    timestamp,
  label                        varchar(1000) not null
);
